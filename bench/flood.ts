/**
 * ICE-candidate flood (issue 13): many sockets from one address, each joined, published and
 * sending candidates under the per-socket limit, while an honest client on another loopback
 * address joins a room over and over and polls /healthz. Reports the honest join and /healthz
 * latency before and during the flood, whether any room closed (the media-server heartbeat
 * starving), and what the attacker got through. Bounded in sockets and seconds; loopback only.
 *
 *   npx tsx bench/flood.ts [--base <git ref>] [--sockets 160] [--rate 8] [--seconds 15]
 *
 * `--base` also runs the same flood against that commit's signaling server (the "before").
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Agent, get } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { io } from 'socket.io-client';

import type { Result } from '../lib/protocol';
import { forkTs, isRecord, waitForMessage } from './lib/child';
import { loadAverage, repoRoot } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { sampleProcess } from './lib/proc';
import { table, upsertSection, writeJson } from './lib/report';
import type { MoimSocket } from './lib/signaling-client';
import { startMediaServer, startSignaling } from './lib/stack';
import { summarize } from './lib/stats';
import { sampleOffer } from './signaling/offer';

const attackerAddress = '127.0.0.1';
const honestAddress = '127.0.0.2';
const candidateLine = (i: number): string =>
  `candidate:${i} 1 udp 2122260223 127.0.0.1 ${10_000 + (i % 50_000)} typ host`;

function socketFrom(url: string, address: string): MoimSocket {
  // engine.io-client passes `localAddress` on to ws; its typings do not list it.
  const options = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
    localAddress: address,
  };
  return io(url, options as Partial<ManagerOptions & SocketOptions>);
}

function connected(socket: MoimSocket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });
}

async function ask(socket: MoimSocket, event: string, payload?: unknown): Promise<Result<unknown>> {
  const timed = socket.timeout(20_000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<Result<unknown>>;
  };
  try {
    return await (payload === undefined
      ? timed.emitWithAck(event)
      : timed.emitWithAck(event, payload));
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: 'ack timed out' } };
  }
}

interface AttackReport {
  sockets: number;
  connected: number;
  joined: number;
  published: number;
  candidatesSent: number;
  candidatesAccepted: number;
  refusals: Record<string, number>;
  disconnectedByServer: number;
  roomsClosed: number;
}

/** The attacker, in its own process so its CPU is not the server's. */
async function attack(url: string, sockets: number, rate: number, seconds: number): Promise<void> {
  const sdp = await sampleOffer();
  const report: AttackReport = {
    sockets,
    connected: 0,
    joined: 0,
    published: 0,
    candidatesSent: 0,
    candidatesAccepted: 0,
    refusals: {},
    disconnectedByServer: 0,
    roomsClosed: 0,
  };
  const refused = (result: Result<unknown>): void => {
    if (!result.ok)
      report.refusals[result.error.code] = (report.refusals[result.error.code] ?? 0) + 1;
  };
  const open: MoimSocket[] = [];
  const ready: { socket: MoimSocket; selfId: string }[] = [];
  await Promise.all(
    Array.from({ length: sockets }, async (_, i) => {
      const socket = socketFrom(url, attackerAddress);
      open.push(socket);
      if (!(await connected(socket))) return;
      report.connected += 1;
      socket.on('room:closed', () => (report.roomsClosed += 1));
      socket.on('disconnect', (reason) => {
        if (reason === 'io server disconnect') report.disconnectedByServer += 1;
      });
      const joined = await ask(socket, 'room:join', {
        roomId: `flood-${i % 10}`,
        displayName: `f${i}`,
      });
      if (!joined.ok) return refused(joined);
      report.joined += 1;
      const selfId = (joined.data as { selfId: string }).selfId;
      const published = await ask(socket, 'sdp:offer', { senderId: selfId, sdp });
      if (!published.ok) refused(published);
      else report.published += 1;
      ready.push({ socket, selfId });
    }),
  );
  process.send?.({ type: 'flooding', joined: report.joined });
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (Date.now() > deadline) {
        clearInterval(tick);
        resolve();
        return;
      }
      // Every socket sends `rate` candidates a second, in ticks of 100 ms.
      for (const { socket, selfId } of ready) {
        if (!socket.connected) continue;
        for (let k = 0; k < rate / 10; k += 1) {
          report.candidatesSent += 1;
          n += 1;
          const request = {
            senderId: selfId,
            candidate: { candidate: candidateLine(n), sdpMid: '0' },
          };
          pending += 1;
          void ask(socket, 'ice:candidate', request).then((result) => {
            pending -= 1;
            if (result.ok) report.candidatesAccepted += 1;
            else refused(result);
          });
        }
      }
    }, 100);
  });
  // Let the answers in flight arrive (bounded), so accepted + refused add up to what was sent.
  const settleBy = Date.now() + 10_000;
  while (Date.now() < settleBy && pending > 0)
    await new Promise((resolve) => setTimeout(resolve, 50));
  for (const socket of open) socket.disconnect();
  process.send?.({ type: 'report', report });
}

interface Samples {
  joinMs: number[];
  joinFailures: Record<string, number>;
  healthzMs: number[];
}

/** The honest side: join-and-leave cycles on one room and /healthz polls, until `stop()`. */
function probe(url: string): {
  samples: () => Samples;
  reset: () => void;
  stop: () => Promise<void>;
} {
  let samples: Samples = { joinMs: [], joinFailures: {}, healthzMs: [] };
  let running = true;
  const agent = new Agent({ localAddress: honestAddress, keepAlive: false });
  const joins = (async () => {
    while (running) {
      const socket = socketFrom(url, honestAddress);
      const started = performance.now();
      const ok = await connected(socket);
      const result = ok
        ? await ask(socket, 'room:join', { roomId: 'honest', displayName: 'Honest' })
        : undefined;
      const elapsed = performance.now() - started;
      if (result?.ok) samples.joinMs.push(elapsed);
      else {
        const code = result && !result.ok ? result.error.code : 'CONNECT_FAILED';
        samples.joinFailures[code] = (samples.joinFailures[code] ?? 0) + 1;
      }
      if (result?.ok) await ask(socket, 'room:leave');
      socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const health = (async () => {
    while (running) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const req = get(`${url}/healthz`, { agent, timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', () => resolve());
      });
      samples.healthzMs.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    samples: () => samples,
    reset: () => (samples = { joinMs: [], joinFailures: {}, healthzMs: [] }),
    stop: async () => {
      running = false;
      await Promise.all([joins, health]);
    },
  };
}

interface ArmResult {
  label: string;
  quiet: { join: ReturnType<typeof summarize>; healthz: ReturnType<typeof summarize> };
  flood: {
    join: ReturnType<typeof summarize>;
    joinFailures: Record<string, number>;
    healthz: ReturnType<typeof summarize>;
  };
  signalingCpu: number;
  honestRoomClosed: number;
  attack: AttackReport;
}

/** The tree of `ref` with this checkout's node_modules (hard links): its signaling server runs under tsx. */
function treeOf(ref: string): string {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
  const dir = path.join('/tmp', `moim-flood-${sha}`);
  if (!existsSync(path.join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${sha} | tar -x -C '${dir}'`, { cwd: repoRoot });
    execFileSync('cp', [
      '-al',
      path.join(repoRoot, 'node_modules'),
      path.join(dir, 'node_modules'),
    ]);
  }
  return dir;
}

async function arm(label: string, root: string | undefined, opts: Options): Promise<ArmResult> {
  const media = await startMediaServer();
  const signaling = await startSignaling(media.url, root);
  try {
    const stayer = socketFrom(signaling.url, honestAddress);
    await connected(stayer);
    let honestRoomClosed = 0;
    stayer.on('room:closed', () => (honestRoomClosed += 1));
    await ask(stayer, 'room:join', { roomId: 'honest', displayName: 'Stayer' });
    const honest = probe(signaling.url);
    await new Promise((resolve) => setTimeout(resolve, opts.quietSeconds * 1000));
    const quiet = honest.samples();
    const attacker = forkTs('bench/flood.ts', {
      args: [
        '--attacker',
        signaling.url,
        String(opts.sockets),
        String(opts.rate),
        String(opts.seconds),
      ],
    });
    await waitForMessage(
      attacker,
      (m) => (isRecord(m) && m['type'] === 'flooding' ? m : undefined),
      120_000,
      'attacker',
    );
    honest.reset();
    const cpuBefore = sampleProcess(signaling.pid);
    const report = await waitForMessage(
      attacker,
      (m) => (isRecord(m) && m['type'] === 'report' ? (m['report'] as AttackReport) : undefined),
      (opts.seconds + 120) * 1000,
      'attacker report',
    );
    const cpuAfter = sampleProcess(signaling.pid);
    const during = honest.samples();
    await honest.stop();
    stayer.disconnect();
    const cpu =
      cpuBefore && cpuAfter
        ? (cpuAfter.cpuSeconds - cpuBefore.cpuSeconds) / (cpuAfter.at - cpuBefore.at)
        : NaN;
    return {
      label,
      quiet: { join: summarize(quiet.joinMs), healthz: summarize(quiet.healthzMs) },
      flood: {
        join: summarize(during.joinMs),
        joinFailures: during.joinFailures,
        healthz: summarize(during.healthzMs),
      },
      signalingCpu: cpu,
      honestRoomClosed,
      attack: report,
    };
  } finally {
    await signaling.stop();
    await media.stop();
  }
}

interface Options {
  base: string | undefined;
  sockets: number;
  rate: number;
  seconds: number;
  quietSeconds: number;
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '–');

function markdown(results: ArmResult[], opts: Options, command: string): string {
  const rows = results.map((r) => [
    r.label,
    `${ms(r.quiet.join.p95)} (${r.quiet.join.n})`,
    `${ms(r.flood.join.p95)} (${r.flood.join.n})`,
    Object.entries(r.flood.joinFailures)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ') || '0',
    ms(r.quiet.healthz.p95),
    ms(r.flood.healthz.p95),
    r.signalingCpu.toFixed(2),
    `${r.attack.connected}/${r.attack.sockets}`,
    `${r.attack.candidatesAccepted}/${r.attack.candidatesSent}`,
    r.honestRoomClosed + r.attack.roomsClosed,
  ]);
  return [
    '## Candidate flood (issue 13)',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}; load average ${loadAverage()
      .map((v) => v.toFixed(1))
      .join(' ')} at the end.`,
    `The machine (2 cores) was shared with four other engineers' builds and tests while this ran, so absolute numbers are noisy; the arms ran back to back.`,
    '',
    `Flood: ${opts.sockets} sockets from ${attackerAddress}, each joined (10 rooms), published one offer, then sent ${opts.rate} ICE candidates/s for ${opts.seconds} s.`,
    `Honest client on ${honestAddress}: connect + join + leave on a room with one member, every 200 ms, and GET /healthz every 100 ms; quiet phase ${opts.quietSeconds} s, then during the flood.`,
    '',
    table(
      [
        'server',
        'join p95 ms quiet (n)',
        'join p95 ms flood (n)',
        'honest joins failed',
        '/healthz p95 ms quiet',
        '/healthz p95 ms flood',
        'signaling CPU (cores) in flood',
        'attacker sockets connected',
        'candidates accepted/sent',
        'rooms closed',
      ],
      rows,
    ),
    '',
    'Attacker refusals by code: ' +
      results
        .map(
          (r) =>
            `${r.label}: ${
              Object.entries(r.attack.refusals)
                .map(([c, n]) => `${c} ${n}`)
                .join(', ') || 'none'
            }; disconnected by the server ${r.attack.disconnectedByServer}`,
        )
        .join(' · '),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      attacker: { type: 'boolean', default: false },
      base: { type: 'string' },
      sockets: { type: 'string', default: '160' },
      rate: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '15' },
      quiet: { type: 'string', default: '5' },
      write: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: false,
  });
  if (values.attacker === true) {
    const [url, sockets, rate, seconds] = process.argv.slice(
      process.argv.indexOf('--attacker') + 1,
    );
    await attack(url ?? '', Number(sockets), Number(rate), Number(seconds));
    process.exit(0);
  }
  ensureLoopbackOnly();
  const opts: Options = {
    base: typeof values.base === 'string' ? values.base : undefined,
    sockets: Math.min(400, Number(values.sockets)),
    rate: Math.min(50, Number(values.rate)),
    seconds: Math.min(60, Number(values.seconds)),
    quietSeconds: Math.min(30, Number(values.quiet)),
  };
  const results: ArmResult[] = [];
  if (opts.base) results.push(await arm(`before (${opts.base})`, treeOf(opts.base), opts));
  results.push(await arm('after (this checkout)', undefined, opts));
  const command = `npx tsx bench/flood.ts ${process.argv.slice(2).join(' ')}`.trim();
  const text = markdown(results, opts, command);
  console.log(text);
  if (values.write === true) {
    writeJson('flood', { opts, results });
    upsertSection('flood', text);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
