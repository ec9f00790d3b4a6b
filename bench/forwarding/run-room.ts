/**
 * One forwarding-capacity measurement: a fresh media server + signaling server, a room of N
 * synthetic participants in separate load-generator processes, a fixed measurement window, and
 * counters from both the clients (packets, loss, latency) and /proc (CPU, memory).
 */
import { loadAverage } from '../lib/machine';
import {
  cpuRate,
  machineBusy,
  type ProcSample,
  sampleMachineCpu,
  sampleProcess,
  udpCounters,
} from '../lib/proc';
import { startStack } from '../lib/stack';
import { startJanus } from '../janus/process';
import { CpuMeter } from '../lib/schedstat';
import { FORWARDING_THREAD_PREFIX, forwardingThreadSeconds } from './threadCpu';
import { createJanusRoom } from '../load/janus-signaling';
import type { SfuKind } from '../load/signaling';
import { Histogram, round } from '../lib/stats';
import { nowNs } from '../load/probe';
import { LoadWorker } from './workers';
import { failedResult, type LatencyMs, type RoomResult } from './room-result';

export type { LatencyMs, RoomResult } from './room-result';

export interface RoomOptions {
  size: number;
  seconds: number;
  warmupSeconds: number;
  perWorker: number;
  /** subscribers decrypt every n-th RTP packet only (1 = all); see load/peer.ts sampleIncomingRtp */
  sampleEvery?: number;
  cpuProfileDir?: string;
  /** how long every stream may take to flow after the last join (default 15 s + 1 s per participant) */
  flowSeconds?: number;
  /**
   * Before the next join, wait (at most this many seconds) until every stream among those who
   * joined flows: one participant's connections set up at a time, so a big room's set-up does
   * not pile up DTLS handshakes until the media server's heartbeat goes unanswered. Default:
   * no wait (the next join starts when the last one's own connections are up).
   */
  settleSeconds?: number;
  /** write a V8 CPU profile of each load-generator process into this directory */
  loadProfileDir?: string;
  /** a built tree to run the servers from (see lib/stack.ts); default: this checkout under tsx */
  root?: string;
  /** extra environment of the media-server process (e.g. MEDIA_NATIVE=off) */
  mediaEnv?: Record<string, string>;
  log?: (line: string) => void;
  /** the SFU under test (default moim: its media server behind its signaling server) */
  sfu?: SfuKind;
  /** for sfu janus: the binary and the interface it gathers candidates on */
  janus?: { bin: string; iceInterface: string; eventLoops: number };
}

/** What one measurement runs against: the forwarding process, its signaling, where to join. */
interface SystemUnderTest {
  mediaPid: number;
  /** Moim's signaling server; Janus signals in its own process */
  signalingPid: number | undefined;
  url: string;
  roomId: string;
  stop(): Promise<void>;
}

let janusRooms = 1000;

async function startSystem(options: RoomOptions): Promise<SystemUnderTest> {
  if (options.sfu === 'janus') {
    const j = options.janus;
    if (!j) throw new Error('sfu janus needs its binary and interface');
    const janus = await startJanus(j.bin, {
      iceInterface: j.iceInterface,
      httpPort: 8088,
      eventLoops: j.eventLoops,
      rtpPortRange: '20000-40000',
    });
    try {
      const room = janusRooms++;
      const destroyRoom = await createJanusRoom(janus.url, room, options.size + 4);
      return {
        mediaPid: janus.pid,
        signalingPid: undefined,
        url: janus.url,
        roomId: String(room),
        stop: async () => {
          await destroyRoom();
          await janus.stop();
        },
      };
    } catch (e) {
      await janus.stop();
      throw e;
    }
  }
  const stack = await startStack({
    cpuProfileDir: options.cpuProfileDir,
    root: options.root,
    env: options.mediaEnv,
  });
  return {
    mediaPid: stack.media.pid,
    signalingPid: stack.signaling.pid,
    url: stack.signaling.url,
    roomId: `bench-${options.size}-${Date.now()}`,
    stop: () => stack.stop(),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

function latency(h: Histogram): LatencyMs {
  return {
    p50: round(h.quantile(0.5), 2),
    p95: round(h.quantile(0.95), 2),
    p99: round(h.quantile(0.99), 2),
  };
}

function sampleAll(pids: number[]): (ProcSample | undefined)[] {
  return pids.map((pid) => sampleProcess(pid));
}

function sumCpu(a: (ProcSample | undefined)[], b: (ProcSample | undefined)[]): number {
  return a.reduce((s, x, i) => {
    const y = b[i];
    return x && y ? s + cpuRate(x, y).cpuPerSecond : s;
  }, 0);
}

/**
 * Polls the workers until the first `joined` participants all see each other's video, for at
 * most `seconds`; otherwise calls `fail` with the count and which pairs are missing.
 */
async function waitForFlow(
  workers: LoadWorker[],
  joined: number,
  seconds: number,
  fail: (flowing: number, why: string) => never,
): Promise<void> {
  const wanted = joined * (joined - 1);
  const deadline = performance.now() + 1000 * seconds;
  for (;;) {
    const statuses = await Promise.all(workers.map((w) => w.status()));
    const flowing = statuses.reduce((s, st) => s + st.flowing, 0);
    if (flowing >= wanted) return;
    if (performance.now() >= deadline) {
      const seen = new Set(statuses.flatMap((s) => s.flowingPairs));
      const missing: string[] = [];
      for (let s = 0; s < joined; s++) {
        for (let p = 0; p < joined; p++)
          if (s !== p && !seen.has(`${s}>${p}`)) missing.push(`${s}>${p}`);
      }
      const workerErrors = statuses.flatMap((s) => s.errors).slice(0, 3);
      fail(
        flowing,
        `missing subscriber>publisher ${missing.slice(0, 10).join(' ')}` +
          (workerErrors.length > 0 ? `; ${workerErrors.join('; ')}` : ''),
      );
    }
    await sleep(250);
  }
}

export async function runRoom(options: RoomOptions): Promise<RoomResult> {
  const log = options.log ?? ((): void => undefined);
  const n = options.size;
  const every = Math.max(1, Math.floor(options.sampleEvery ?? 1));
  const setupStarted = performance.now();
  let sut: SystemUnderTest;
  try {
    sut = await startSystem(options);
  } catch (e) {
    const failure = `start (servers): ${e instanceof Error ? e.message : String(e)}`;
    log(`  size ${n} failed: ${failure}`);
    return { ...failedResult(n, failure, 0, []), sampleEvery: every };
  }
  const workers: LoadWorker[] = [];
  const errors: string[] = [];
  // Which part of the run a failure happened in: its message starts with it.
  let stage = 'start (load workers)';
  try {
    await sleep(1000);
    const idle = sampleProcess(sut.mediaPid);
    const workerCount = Math.max(1, Math.ceil(n / options.perWorker));
    // The workers' own deadline covers the join, the waits for streams and the window (a
    // 16-person room on a busy machine took longer than the join allowance alone).
    const flowAllowance = options.flowSeconds ?? 15 + n;
    const lifetimeMs =
      (60 +
        (5 + (options.settleSeconds ?? 0)) * n +
        flowAllowance +
        options.warmupSeconds +
        options.seconds) *
      1000;
    const nodeFlags = options.loadProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.loadProfileDir}`]
      : [];
    for (let i = 0; i < workerCount; i++) {
      workers.push(
        await LoadWorker.start(
          sut.url,
          sut.roomId,
          lifetimeMs,
          every,
          options.sfu ?? 'moim',
          {},
          nodeFlags,
        ),
      );
    }
    const joinMs: number[] = [];
    stage = 'set-up (joins)';
    for (let i = 0; i < n; i++) {
      const worker = workers[i % workerCount];
      if (!worker) throw new Error('no worker');
      const added = await worker.add(i, 45_000);
      if (!added.ok) throw new Error(`participant ${i} failed to join: ${added.error ?? '?'}`);
      joinMs.push(added.ms);
      if (options.settleSeconds !== undefined) {
        const joined = i + 1;
        await waitForFlow(workers, joined, options.settleSeconds, (flowing, why) => {
          throw new Error(
            `after participant ${i} joined, ${flowing}/${joined * (joined - 1)} streams ` +
              `flowing within ${options.settleSeconds} s: ${why}`,
          );
        });
      }
      log(`  joined ${i + 1}/${n} in ${Math.round(added.ms)} ms`);
    }
    stage = 'set-up (every stream flowing)';
    await waitForFlow(workers, n, options.flowSeconds ?? 15 + n, (flowing, why) => {
      throw new Error(`only ${flowing}/${n * (n - 1)} streams flowing: ${why}`);
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(`  all ${n * (n - 1)} streams flowing after ${round(setupSeconds)} s; warming up`);
    await sleep(options.warmupSeconds * 1000);

    stage = 'measurement window';
    // A second's notice: a busy load process that got the window after it began would miss its
    // first sends or receipts while the others counted theirs (checked below).
    const startNs = nowNs() + 1_000_000_000n;
    const endNs = startNs + BigInt(Math.round(options.seconds * 1e9));
    for (const w of workers) w.send({ type: 'window', startNs, endNs });
    await sleep(Number(startNs - nowNs()) / 1e6);
    const pids = [sut.mediaPid, sut.signalingPid ?? sut.mediaPid, ...workers.map((w) => w.pid)];
    // Both meters: schedstat's exact runtime is what the table reports; the ticks stay beside it
    // as a cross-check (they must agree over a long window within a tick or two).
    const meter = new CpuMeter(sut.mediaPid, { prefix: FORWARDING_THREAD_PREFIX });
    meter.start();
    const before = sampleAll(pids);
    const threadsBefore = forwardingThreadSeconds(sut.mediaPid);
    const machineBefore = sampleMachineCpu();
    const udpBefore = udpCounters();
    await sleep(Number(endNs - nowNs()) / 1e6);
    const after = sampleAll(pids);
    const threadsAfter = forwardingThreadSeconds(sut.mediaPid);
    const exact = meter.stop();
    const machineAfter = sampleMachineCpu();
    const udpAfter = udpCounters();
    const load1 = loadAverage()[0];
    await sleep(1000); // let packets sent at the window's end arrive
    stage = 'reports';
    const reports = await Promise.all(workers.map((w) => w.report()));

    const late = Math.max(...reports.map((r) => r.meter.windowLateMs));
    if (late > 0) throw new Error(`a load process got the window ${Math.round(late)} ms late`);
    const [mediaBefore, signalingBefore] = before;
    const [mediaAfter, signalingAfter] = after;
    if (!mediaBefore || !mediaAfter || !signalingBefore || !signalingAfter) {
      throw new Error('a server process died during the window');
    }
    const windowSeconds = mediaAfter.at - mediaBefore.at;
    const media = cpuRate(mediaBefore, mediaAfter);
    const sent = reports.reduce((s, r) => s + r.meter.sentVideo + r.meter.sentAudio, 0);
    const probes = reports.reduce((s, r) => s + r.meter.receivedVideo + r.meter.receivedAudio, 0);
    const raw = reports.reduce((s, r) => s + r.meter.rawRtp - r.meter.rawDuplicates, 0);
    // All packets decrypted: count distinct probes (retransmissions excluded). Sampling: count
    // every RTP datagram from its clear header (no NACK then, so no retransmissions).
    const received = every === 1 ? probes : raw;
    const expected = sent * (n - 1);
    const all = new Histogram();
    const video = new Histogram();
    const audio = new Histogram();
    for (const r of reports) {
      video.merge(Histogram.fromSparse(r.meter.latencyVideo));
      audio.merge(Histogram.fromSparse(r.meter.latencyAudio));
    }
    all.merge(video);
    all.merge(audio);
    for (const r of reports) errors.push(...r.errors);
    const inPerSecond = sent / windowSeconds;
    const outPerSecond = received / windowSeconds;
    const lossPercent = expected > 0 ? (1 - received / expected) * 100 : Number.NaN;
    return {
      size: n,
      ok: true,
      workers: workerCount,
      sampleEvery: every,
      setupSeconds: round(setupSeconds, 1),
      joinMsMedian: round(joinMs.sort((a, b) => a - b)[Math.floor(joinMs.length / 2)] ?? NaN, 0),
      windowSeconds: round(windowSeconds, 2),
      windowUs: { startUs: Number(startNs / 1000n), endUs: Number(endNs / 1000n) },
      packetsInPerSecond: round(inPerSecond, 0),
      packetsOutPerSecond: round(outPerSecond, 0),
      expectedOutPerSecond: round(expected / windowSeconds, 0),
      mediaCpuPerSecond: round(exact.seconds / windowSeconds, 4),
      mediaCpuTicksPerSecond: round(media.cpuPerSecond, 3),
      mediaThreadsExited: exact.exited,
      mediaUserPerSecond: round(media.userPerSecond, 3),
      mediaSystemPerSecond: round(media.systemPerSecond, 3),
      forwardingThreadsCpuPerSecond: round(exact.prefixSeconds / windowSeconds, 4),
      forwardingThreadsTicksCpuPerSecond: round((threadsAfter - threadsBefore) / windowSeconds, 3),
      packetsPerCpuSecond: round(((inPerSecond + outPerSecond) * windowSeconds) / exact.seconds, 0),
      packetsPerCpuSecondTicks: round((inPerSecond + outPerSecond) / media.cpuPerSecond, 0),
      mediaRssIdleMB: round((idle?.rssBytes ?? NaN) / MB, 1),
      mediaRssMB: round(mediaAfter.rssBytes / MB, 1),
      rssPerParticipantMB: round((mediaAfter.rssBytes - (idle?.rssBytes ?? NaN)) / MB / n, 2),
      signalingCpuPerSecond:
        sut.signalingPid === undefined
          ? 0
          : round(cpuRate(signalingBefore, signalingAfter).cpuPerSecond, 3),
      loadGenCpuPerSecond: round(sumCpu(before.slice(2), after.slice(2)), 3),
      machineBusyPercent: round(machineBusy(machineBefore, machineAfter) * 100, 1),
      loadAverage1m: load1,
      lossPercent: round(lossPercent, 3),
      duplicates: reports.reduce(
        (s, r) => s + (every === 1 ? r.meter.duplicates : r.meter.rawDuplicates),
        0,
      ),
      unreadable: reports.reduce((s, r) => s + r.meter.unreadable, 0),
      pacerSkipped: reports.reduce((s, r) => s + r.skipped, 0),
      latency: latency(all),
      latencyVideo: latency(video),
      latencyAudio: latency(audio),
      udpDatagramsPerSecond: {
        in: round((udpAfter.inDatagrams - udpBefore.inDatagrams) / windowSeconds, 0),
        out: round((udpAfter.outDatagrams - udpBefore.outDatagrams) / windowSeconds, 0),
        rcvbufErrors: udpAfter.rcvbufErrors - udpBefore.rcvbufErrors,
      },
      errors: [...new Set(errors)].slice(0, 20),
    };
  } catch (e) {
    const failure = `${stage}: ${e instanceof Error ? e.message : String(e)}`;
    log(`  size ${n} failed: ${failure}`);
    return { ...failedResult(n, failure, workers.length, errors), sampleEvery: every };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await sut.stop();
  }
}
