/**
 * Measures the media server's cost per forwarded packet, as DESIGN.md defines it: a room of N where
 * everyone publishes 70 video packets/s (~1000 B) and 50 audio packets/s and receives everyone
 * else. The server runs in its own process (as when embedded); this process plays all N browsers
 * with werift peers through kurento-client, and reads the server's CPU time from /proc.
 *
 *   unshare -n sh -c 'ip link set lo up && npx tsx media-server/perf/forwarding.ts --n 8 --seconds 10'
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, RtpPacket } from 'werift';
import type { KEndpoint, KObject, KPipeline, KServerManager } from '../test/kurento';
import { connectClient, k } from '../test/kurento';
import type { Publisher, Viewer } from '../test/peers';
import { loopbackPeer, publish, view, waitConnected } from '../test/peers';
import { cpuSplit, minus, rssMb, rssParts } from './procStat';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : dflt;
}

const N = arg('n', 8);
/** Viewers run in this many helper processes. */
const VIEWER_PROCS = arg('viewer-procs', 2);
const SECONDS = arg('seconds', 10);
const WARMUP = arg('warmup', 3);
/** Scales the publish rate (0 = no media: measures the fixed cost of N×N idle endpoints). */
const RATE = arg('rate', 1);
/** `--srtp gcm` keeps werift's preferred AES-GCM; by default peers offer only what Chromium picks. */
const GCM =
  process.argv.includes('--srtp') && process.argv[process.argv.indexOf('--srtp') + 1] === 'gcm';

/**
 * Chromium negotiates SRTP_AES128_CM_HMAC_SHA1_80 with this server (chromium.test.ts), werift
 * peers AES-GCM. werift keeps its profile list in one module-level array, shared by every
 * transport of this process: reach it through a throwaway peer and leave only AES-CM in it.
 */
async function emulateChromiumSrtp(): Promise<void> {
  if (GCM) return;
  const pc = loopbackPeer();
  pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const profiles = (pc.dtlsTransports[0] as unknown as { srtpProfiles: number[] }).srtpProfiles;
  profiles.splice(0, profiles.length, ProtectionProfileAes128CmHmacSha1_80);
  await pc.close();
}
/** `--server dist/media-server.js` runs a built bundle with plain node (default: main.ts, tsx). */
const SERVER = (() => {
  const i = process.argv.indexOf('--server');
  return i >= 0 ? path.resolve(process.argv[i + 1] ?? '') : undefined;
})();
/** `--heap-snapshots DIR`: the server writes a heap snapshot idle and one with the room running. */
const SNAPSHOT_DIR = (() => {
  const i = process.argv.indexOf('--heap-snapshots');
  return i >= 0 ? path.resolve(process.argv[i + 1] ?? '/tmp/media-heap') : undefined;
})();

/** Asks the server (SIGUSR2) for a heap snapshot; resolves with its file once it is written. */
async function heapSnapshot(pid: number, label: string): Promise<string | undefined> {
  const dir = SNAPSHOT_DIR;
  if (!dir) return undefined;
  const seen = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let file: string | undefined;
  let size = -1;
  // Written synchronously by the server's main thread: done when the file stops growing.
  for (let stable = 0; stable < 3;) {
    await new Promise((r) => setTimeout(r, 300));
    file ??= fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !seen.has(f));
    if (!file) continue;
    const now = fs.statSync(path.join(dir, file)).size;
    stable = now === size && now > 0 ? stable + 1 : 0;
    size = now;
  }
  const named = path.join(dir, `${label}.heapsnapshot`);
  fs.renameSync(path.join(dir, file ?? ''), named);
  process.stderr.write(`heap snapshot (${label}): ${named}\n`);
  return named;
}

async function main(): Promise<void> {
  await emulateChromiumSrtp();
  if (SNAPSHOT_DIR) fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const child = fork(
    SERVER ?? path.join(import.meta.dirname, '..', 'main.ts'),
    ['--port', '0', '--ice-addresses', '127.0.0.1', '--log-level', 'warn'],
    {
      cwd: SERVER ? path.dirname(path.dirname(SERVER)) : undefined,
      execArgv: [
        ...(SERVER ? [] : ['--import', 'tsx']),
        ...(SNAPSHOT_DIR
          ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`]
          : []),
        ...(process.argv.includes('--prof')
          ? ['--cpu-prof', '--cpu-prof-dir=/tmp/media-prof']
          : []),
        // e.g. --node-flag=--max-semi-space-size=16 to try V8 heap settings on the server
        ...process.argv.filter((a) => a.startsWith('--node-flag=')).map((a) => a.slice(12)),
      ],
    },
  );
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const pid = child.pid ?? 0;
  const idleRss = rssMb(pid);
  await heapSnapshot(pid, `idle-n${N}`);
  const client = await connectClient(`ws://127.0.0.1:${port}/kurento`);
  const pipeline = await k<KPipeline>((cb) => client.create('MediaPipeline', cb));
  const pubEps: KEndpoint[] = [];
  const pubs: Publisher[] = [];
  for (let i = 0; i < N; i++) {
    const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    pubEps.push(ep);
    pubs.push(await publish(ep));
  }
  // Viewer endpoints are created here (so this process can read their stats); their browsers
  // (werift peers) live in helper processes, so the load generator is not the bottleneck.
  const allEps: KEndpoint[] = [...pubEps];
  const jobs: string[][] = Array.from({ length: VIEWER_PROCS }, () => []);
  let slot = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j) continue;
      const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
      allEps.push(ep);
      const src = pubEps[j];
      if (!src) throw new Error('no source');
      await k((cb) => src.connect(ep, cb));
      jobs[slot++ % VIEWER_PROCS]?.push(ep.id);
    }
  }
  const url = `ws://127.0.0.1:${port}/kurento`;
  const helpers = jobs.map((ids) =>
    fork(import.meta.filename, ['--role', 'viewer', '--url', url, ...ids], {
      execArgv: ['--import', 'tsx'],
    }),
  );
  const counts = helpers.map(() => 0);
  await Promise.all(
    helpers.map(
      (h, i) =>
        new Promise<void>((resolve) =>
          h.on('message', (m: { ready?: boolean; count?: number }) => {
            if (m.ready) resolve();
            if (m.count !== undefined) counts[i] = m.count;
          }),
        ),
    ),
  );
  await Promise.all(pubs.map((p) => waitConnected(p.pc, 30_000)));

  // One 10 ms loop drives every publisher: 0.7 video and 0.5 audio packets per tick each.
  const video = Buffer.alloc(1000, 7);
  video[0] = 0x10;
  const audio = Buffer.alloc(100, 3);
  let sent = 0;
  const pts = pubs.map((p) => ({
    v: p.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96,
    a: p.pc.getTransceivers().find((t) => t.kind === 'audio')?.codecs[0]?.payloadType ?? 111,
  }));
  const seq = pubs.map(() => ({ v: 0, a: 0 }));
  // Paced by the clock, not by timer ticks (which drift under load): each pass sends what is due.
  const start = performance.now();
  let dueV = 0;
  let dueA = 0;
  const timer = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    const nv = Math.floor(elapsed * 70 * RATE) - dueV;
    const na = Math.floor(elapsed * 50 * RATE) - dueA;
    dueV += nv;
    dueA += na;
    pubs.forEach((p, i) => {
      const s = seq[i];
      const pt = pts[i];
      if (!s || !pt) return;
      for (let n = 0; n < nv; n++) {
        const h = new RtpHeader({
          payloadType: pt.v,
          sequenceNumber: s.v++ & 0xffff,
          timestamp: (s.v * 1286) >>> 0,
          marker: n === nv - 1,
          ssrc: 1,
        });
        p.video.writeRtp(new RtpPacket(h, video));
        sent++;
      }
      for (let n = 0; n < na; n++) {
        const h = new RtpHeader({
          payloadType: pt.a,
          sequenceNumber: s.a++ & 0xffff,
          timestamp: (s.a * 960) >>> 0,
          marker: true,
          ssrc: 2,
        });
        p.audio.writeRtp(new RtpPacket(h, audio));
        sent++;
      }
    });
  }, 10);

  const received = () => counts.reduce((a, b) => a + b, 0);
  // What the server itself counted (its getStats): RTP received from publishers + sent to viewers.
  const serverPackets = async () => {
    let pin = 0;
    let pout = 0;
    const all = await Promise.all(
      allEps.map((ep) => k<Record<string, Record<string, unknown>>>((cb) => ep.getStats(cb))),
    );
    for (const stats of all) {
      for (const st of Object.values(stats)) {
        pin += Number(st['packetsReceived'] ?? 0);
        pout += Number(st['packetsSent'] ?? 0);
      }
    }
    return { pin, pout };
  };
  // `--timeline`: the server's CPU second by second from here (does it settle after set-up?).
  const timeline = process.argv.includes('--timeline') ? startTimeline(pid) : undefined;
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  // The window spans both stats snapshots, so packets and CPU are counted over the same time.
  const t0 = performance.now();
  const cpu0 = cpuSplit(pid);
  const sent0 = sent;
  const recv0 = received();
  const s0 = await serverPackets();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const s1 = await serverPackets();
  const split = minus(cpuSplit(pid), cpu0);
  const cpu = split.user + split.system;
  timeline?.stop();
  const wall = (performance.now() - t0) / 1000;
  const clientSent = sent - sent0;
  const clientReceived = received() - recv0;
  const pin = s1.pin - s0.pin;
  const pout = s1.pout - s0.pout;
  const rss = rssMb(pid);
  const parts = rssParts(pid);
  // After the window (writing one stops the server for a while), with the room still running.
  await heapSnapshot(pid, `room-n${N}`);
  clearInterval(timer);

  const result = {
    n: N,
    seconds: Number(wall.toFixed(2)),
    clientSent,
    clientReceived,
    serverPacketsIn: pin,
    serverPacketsOut: pout,
    targetInPerSecond: N * 120,
    inPerSecond: Math.round(pin / wall),
    outPerSecond: Math.round(pout / wall),
    serverCpuSeconds: Number(cpu.toFixed(2)),
    serverCpuShare: Number((cpu / wall).toFixed(3)),
    // main thread (JS, event loop) vs V8's compiler/GC helpers and libuv's pool; user vs kernel
    serverMainShare: Number((split.main / wall).toFixed(3)),
    serverOtherThreadsShare: Number((split.others / wall).toFixed(3)),
    serverUserShare: Number((split.user / wall).toFixed(3)),
    serverSystemShare: Number((split.system / wall).toFixed(3)),
    // exact on-CPU time (schedstat) beside the tick-sampled one above
    serverRunShare: Number((split.runSeconds / wall).toFixed(4)),
    serverMainRunShare: Number((split.mainRunSeconds / wall).toFixed(4)),
    serverTimeslicesPerSecond: Math.round(split.timeslices / wall),
    serverMinorFaultsPerSecond: Math.round(split.minorFaults / wall),
    packetsPerCpuSecond: Math.round((pin + pout) / cpu),
    serverRssMb: Number(rss.toFixed(1)),
    serverRssAnonMb: Number(parts.anonMb.toFixed(1)),
    serverRssFileMb: Number(parts.fileMb.toFixed(1)),
    serverIdleRssMb: Number(idleRss.toFixed(1)),
    srtp: GCM ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80',
  };
  await k((cb) => pipeline.release(cb));
  for (const p of pubs) await p.pc.close();
  for (const h of helpers) h.kill('SIGTERM');
  // Memory after everything is released (V8 keeps some of its grown heap; RSS is what the OS sees).
  const manager = await k<KServerManager>((cb) => client.getServerManager(cb));
  const left = await k<KObject[]>((cb) => manager.getPipelines(cb));
  await new Promise((r) => setTimeout(r, 5000));
  process.stdout.write(
    `${JSON.stringify({ ...result, pipelinesAfterRelease: left.length, serverRssAfterReleaseMb: Number(rssMb(pid).toFixed(1)) })}\n`,
  );
  client.close();
  child.kill('SIGTERM');
}

/** Prints the server's CPU (main thread / others) and RSS once a second to stderr. */
function startTimeline(pid: number): { stop(): void } {
  let last = cpuSplit(pid);
  let t = 0;
  const timer = setInterval(() => {
    const now = cpuSplit(pid);
    const d = minus(now, last);
    last = now;
    t++;
    process.stderr.write(
      `t=${t}s run ${d.runSeconds.toFixed(3)} (main ${d.mainRunSeconds.toFixed(3)}) ticks ` +
        `${(d.user + d.system).toFixed(2)} slices ${d.timeslices} faults ${d.minorFaults} ` +
        `rss ${rssMb(pid).toFixed(1)} MB\n`,
    );
  }, 1000);
  return { stop: () => clearInterval(timer) };
}

/** Helper process: one werift viewer per endpoint id, reporting its packet count every 500 ms. */
async function viewerRole(): Promise<void> {
  await emulateChromiumSrtp();
  const i = process.argv.indexOf('--url');
  const url = process.argv[i + 1] ?? '';
  const ids = process.argv.slice(i + 2);
  const client = await connectClient(url);
  const viewers: Viewer[] = [];
  for (const id of ids) {
    const ep = (await k<KObject>((cb) => client.getMediaobjectById(id, cb))) as KEndpoint;
    viewers.push(await view(ep, undefined, { keep: false }));
  }
  await Promise.all(viewers.map((v) => waitConnected(v.pc, 30_000)));
  process.send?.({ ready: true });
  setInterval(() => process.send?.({ count: viewers.reduce((n, v) => n + v.count(), 0) }), 500);
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

(process.argv.includes('--role') ? viewerRole() : main()).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
