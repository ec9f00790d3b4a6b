/**
 * ICE-candidate flood (issue 13): many sockets from one address, each joined, published and
 * sending candidates under the per-socket limit, while an honest client on another loopback
 * address joins a room over and over and polls /healthz. Reports the honest join and /healthz
 * latency before and during the flood, whether any room closed (the media-server heartbeat
 * starving), and what the attacker got through. Bounded in sockets and seconds; loopback only.
 *
 *   npx tsx bench/flood.ts [--base <git ref>] [--sockets 160] [--rate 8] [--seconds 15]
 *
 * `--base` also runs the same flood against that commit's signaling server (the "before"; it must
 * speak the same protocol as the attacker). `--lifted` also runs this checkout with the address and
 * candidate limits lifted (the set the other benchmarks use): the same code without what the limits
 * buy, the "before" of the limits themselves.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { forkTs, isRecord, waitForMessage } from './lib/child';
import { loadAverage, repoRoot } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { sampleProcess } from './lib/proc';
import { table, upsertSection, writeJson } from './lib/report';
import { startMediaServer, startSignaling } from './lib/stack';
import { summarize } from './lib/stats';
import {
  ask,
  attack,
  attackerAddress,
  type AttackReport,
  connected,
  honestAddress,
  probe,
  socketFrom,
} from './flood/sides';

interface ArmResult {
  label: string;
  quiet: { join: ReturnType<typeof summarize>; healthz: ReturnType<typeof summarize> };
  flood: {
    join: ReturnType<typeof summarize>;
    joinFailures: Record<string, number>;
    healthz: ReturnType<typeof summarize>;
  };
  /** Cores used during the flood, by process. */
  cpu: { signaling: number; media: number; attacker: number };
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
    const cpuBefore = [signaling.pid, media.pid, attacker.pid ?? -1].map((pid) =>
      sampleProcess(pid),
    );
    const report = await waitForMessage(
      attacker,
      (m) => (isRecord(m) && m['type'] === 'report' ? (m['report'] as AttackReport) : undefined),
      (opts.seconds + 120) * 1000,
      'attacker report',
    );
    const cpuAfter = [signaling.pid, media.pid, attacker.pid ?? -1].map((pid) =>
      sampleProcess(pid),
    );
    const during = honest.samples();
    await honest.stop();
    stayer.disconnect();
    const cpu = cpuAfter.map((after, i) => {
      const before = cpuBefore[i];
      return before && after
        ? (after.cpuSeconds - before.cpuSeconds) / (after.at - before.at)
        : Number.NaN;
    });
    return {
      label,
      quiet: { join: summarize(quiet.joinMs), healthz: summarize(quiet.healthzMs) },
      flood: {
        join: summarize(during.joinMs),
        joinFailures: during.joinFailures,
        healthz: summarize(during.healthzMs),
      },
      cpu: { signaling: cpu[0] ?? NaN, media: cpu[1] ?? NaN, attacker: cpu[2] ?? NaN },
      honestRoomClosed,
      attack: report,
    };
  } finally {
    await signaling.stop();
    await media.stop();
  }
}

const loads = (): string =>
  loadAverage()
    .map((v) => v.toFixed(1))
    .join(' ');

interface Options {
  loadAtStart: string;
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
    `${r.cpu.signaling.toFixed(2)} / ${r.cpu.media.toFixed(2)} / ${r.cpu.attacker.toFixed(2)}`,
    `${r.attack.connected}/${r.attack.sockets}`,
    `${r.attack.candidatesAccepted}/${r.attack.candidatesSent}`,
    r.honestRoomClosed + r.attack.roomsClosed,
  ]);
  return [
    '## Candidate flood (issue 13)',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}; load average (1/5/15 min, 2 cores) ${opts.loadAtStart} at the start, ${loads()} at the end.`,
    `The arms ran back to back on this one machine: compare them with each other, not with another machine.`,
    '',
    `Flood: ${opts.sockets} sockets from ${attackerAddress}, each joined (10 rooms), published one offer, then sent ${opts.rate} ICE candidates/s for ${opts.seconds} s.`,
    `Honest clients: connect + join + leave on a room with one member, every 500 ms, each time from the next of 8 addresses (127.0.1.x), and GET /healthz every 100 ms from ${honestAddress}; quiet phase ${opts.quietSeconds} s, then during the flood.`,
    '',
    table(
      [
        'server',
        'join p95 ms quiet (n)',
        'join p95 ms flood (n)',
        'honest joins failed',
        '/healthz p95 ms quiet',
        '/healthz p95 ms flood',
        'CPU in flood (cores): signaling / media / attacker',
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
            }; disconnected by the server ${r.attack.disconnectedByServer} (reconnected ${r.attack.reconnects})`,
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
      lifted: { type: 'boolean', default: false },
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
    loadAtStart: loads(),
    base: typeof values.base === 'string' ? values.base : undefined,
    sockets: Math.min(400, Number(values.sockets)),
    rate: Math.min(50, Number(values.rate)),
    seconds: Math.min(60, Number(values.seconds)),
    quietSeconds: Math.min(30, Number(values.quiet)),
  };
  const results: ArmResult[] = [];
  // The benchmark signaling host lifts the address limits for other benchmarks (it reads this
  // when it starts); every arm but `--lifted` measures the real ones.
  process.env.BENCH_ABUSE_LIMITS = 'default';
  if (opts.base) results.push(await arm(`before (${opts.base})`, treeOf(opts.base), opts));
  if (values.lifted === true) {
    delete process.env.BENCH_ABUSE_LIMITS;
    results.push(await arm('limits lifted (this checkout)', undefined, opts));
    process.env.BENCH_ABUSE_LIMITS = 'default';
  }
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
