/**
 * Real network faults under a two-person call in Chromium: one browser's path cut for a few
 * seconds, its address changed, random loss and a rate cap on its link (network/topology.ts).
 * Reports recovery times (path back → both sides decode new frames) and what each side's
 * getStats says under impairment.
 *
 *   npm run bench:network -- --runs 5 --cut-seconds 5 [--build | --root /tmp/moim-bench-app-<c>]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startAppServer } from './join/app-server';
import { buildHead } from './lib/build';
import { chromiumPath, machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { quantile, round } from './lib/stats';
import { join, launch } from './network/call';
import {
  addressChange,
  type Call,
  impaired,
  type ImpairedWindow,
  pathCut,
  type RecoveryRun,
  waitFlowing,
} from './network/scenarios';
import { ClientNetwork, SERVER_ADDRESS } from './network/topology';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    /** which recovery faults to time: `cut`, `address` (both by default) */
    faults: { type: 'string', default: 'cut,address' },
    'cut-seconds': { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '20' },
    loss: { type: 'string', default: '5,10' },
    rate: { type: 'string', default: '500' },
    /** one-way delay and jitter, ms (the round trip adds twice the delay); 0 leaves it out */
    delay: { type: 'string', default: '75' },
    jitter: { type: 'string', default: '10' },
    build: { type: 'boolean', default: false },
    root: { type: 'string' },
    /** steady's Chromium in the benchmark's own namespace, as before session 7 (topology.ts) */
    'steady-shared': { type: 'boolean', default: false },
    /** recovery runs only: no impairment windows */
    'no-impairments': { type: 'boolean', default: false },
    out: { type: 'string', default: 'network' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(line);

function recoveryRow(label: string, runs: RecoveryRun[], failures: string[]): unknown[] {
  const ms = runs.map((r) => r.recoveryMs);
  const stable = runs.map((r) => r.stableMs);
  return [
    label,
    `${runs.length}/${runs.length + failures.length}`,
    ms.length ? `**${round(quantile(ms, 0.5), 0)}**` : '–',
    ms.length ? round(quantile(ms, 0.95), 0) : '–',
    ms.join(', ') || '–',
    stable.length ? round(quantile(stable, 0.5), 0) : '–',
    runs.map((r) => r.laterStallMs).join(', ') || '–',
    runs.map((r) => r.participantsAfter).join(', ') || '–',
    failures.slice(0, 2).join('; ') || '',
  ];
}

function qualityRows(label: string, w: ImpairedWindow): unknown[][] {
  return (['steadyReceives', 'mobileReceives'] as const).map((side) => {
    const q = w[side];
    return [
      label,
      side === 'steadyReceives' ? 'mobile → steady' : 'steady → mobile',
      q.fps,
      q.freezeCount,
      q.freezeSeconds,
      q.longestFreezeS,
      q.lossPercent,
      q.nacks,
      q.plis,
      q.audioConcealedPercent,
      q.rttMs,
      q.jitterMs,
    ];
  });
}

async function main(): Promise<void> {
  ensureLoopbackOnly({ privateMounts: true });
  const root = values.root ?? (values.build ? buildHead(log) : repoRoot);
  const runs = Number(values.runs);
  const cutSeconds = Number(values['cut-seconds']);
  const windowSeconds = Number(values['window-seconds']);
  const net = ClientNetwork.create(chromiumPath(), { steadyShared: values['steady-shared'] });
  const app = await startAppServer(root, { host: SERVER_ADDRESS });
  const origin = app.url;
  const steadyBrowser = await launch(net.steadyChromium, origin);
  const mobileBrowser = await launch(net.chromium, origin);
  const room = `bench-net-${Date.now()}`;
  const recovery: { label: string; runs: RecoveryRun[]; failures: string[] }[] = [];
  const quality: { label: string; window: ImpairedWindow }[] = [];
  /** what the delay line did in each window that had it (packets held, how late released) */
  const delayStats: { label: string; stats: unknown }[] = [];
  try {
    const call: Call = {
      steady: await join(steadyBrowser, app.url, room, 'Steady'),
      mobile: await join(mobileBrowser, app.url, room, 'Mobile'),
      net,
      participants: async () => {
        const res = await fetch(`${app.url}/api/rooms/${room}`);
        const body = (await res.json()) as { participants?: number };
        return body.participants ?? -1;
      },
    };
    await waitFlowing(call);
    log('call up: both sides decode video');
    const measure = async (label: string, once: () => Promise<RecoveryRun>): Promise<void> => {
      const entry = { label, runs: [] as RecoveryRun[], failures: [] as string[] };
      recovery.push(entry);
      for (let i = 0; i < runs; i++) {
        try {
          const r = await once();
          entry.runs.push(r);
          log(
            `${label} ${i + 1}/${runs}: back after ${r.recoveryMs} ms (participants ${r.participantsAfter})`,
          );
        } catch (e) {
          entry.failures.push(e instanceof Error ? e.message : String(e));
          log(`${label} ${i + 1}/${runs}: ${entry.failures.at(-1) ?? ''}`);
          net.restore();
          await waitFlowing(call).catch(() => undefined);
        }
        await sleep(3000);
      }
    };
    const faults = (values.faults ?? '').split(',');
    if (faults.includes('cut'))
      await measure(`path cut ${cutSeconds} s`, () => pathCut(call, cutSeconds));
    if (faults.includes('address')) await measure('address change', () => addressChange(call));
    type Step = () => void | Promise<void>;
    const delay = Number(values.delay);
    const jitter = Number(values.jitter);
    const delayLabel = `RTT ${2 * delay} ms, ±${jitter} ms jitter each way`;
    const withDelay = (label: string, also: Step = () => undefined, undo: Step = () => undefined) =>
      [
        label,
        async () => {
          await net.setDelay(delay, jitter);
          await also();
        },
        async () => {
          await undo();
          delayStats.push({ label, stats: await net.clearDelay() });
        },
      ] as [string, Step, Step];
    const impairments: [string, Step, Step][] = [
      ['none', () => undefined, () => undefined],
      ...(values.loss ?? '')
        .split(',')
        .filter(Boolean)
        .map(Number)
        .map((p): [string, Step, Step] => [
          `loss ${p} %`,
          () => net.setLoss(p),
          () => net.setLoss(0),
        ]),
      ...(values.rate ?? '')
        .split(',')
        .filter(Boolean)
        .map(Number)
        .map((k): [string, Step, Step] => [
          `${k} kbit/s cap`,
          () => net.setRate(k),
          () => net.setRate(0),
        ]),
      ...(delay > 0 ? [withDelay(delayLabel)] : []),
      ...(delay > 0
        ? (values.rate ?? '')
            .split(',')
            .filter(Boolean)
            .map(Number)
            .map((k) =>
              withDelay(
                `${delayLabel} + ${k} kbit/s cap`,
                () => net.setRate(k),
                () => net.setRate(0),
              ),
            )
        : []),
    ];
    for (const [label, apply, clear] of values['no-impairments'] ? [] : impairments) {
      const w = await impaired(call, windowSeconds, apply, clear);
      quality.push({ label, window: w });
      log(`${label}: ${JSON.stringify(w)}`);
      await sleep(5000);
    }
    for (const d of delayStats) log(`delay line, ${d.label}: ${JSON.stringify(d.stats)}`);
  } finally {
    await steadyBrowser.close().catch(() => undefined);
    await mobileBrowser.close().catch(() => undefined);
    await app.stop();
    net.teardown();
  }
  const machine = machineInfo();
  const md = [
    '## Network faults (two people in Chromium, one of them on an impaired link)',
    '',
    machineMarkdown(machine),
    `- command: \`${commandLine()}\``,
    `- app: \`node dist/server.js\` of \`${root}\`; "mobile" runs in its own network namespace behind a veth pair, "steady" ${values['steady-shared'] ? "in the benchmark's own namespace (--steady-shared)" : 'in another (a real remote host: the client link going down is not a change of its network)'}; loss is nftables \`numgen random\` each way, the cap is \`tbf\` each way; this kernel has no \`netem\`: delay and jitter are an iptables-legacy NFQUEUE rule on the client's veth whose packets \`bench/network/delayline.py\` holds for the delay ± a uniform jitter each way (netem's \`delay D J\` on both directions; it reorders as netem does)`,
    '',
    table(
      [
        'fault',
        'runs ok',
        'recovery p50 ms',
        'p95 ms',
        'each run (ms)',
        'until stable p50 ms',
        'later stall ms (each)',
        'participants after',
        'failures',
      ],
      recovery.map((r) => recoveryRow(r.label, r.runs, r.failures)),
    ),
    '',
    `Recovery: from the path restored (or 0.5 s after the address changed) until both sides' remote tile has decoded 3 new frames; "until stable" also waits out a stall of 1 s or more in the 6 s after that (video back on connections that were then replaced), and "later stall" is the longest pause of either tile in those 6 s. Quality over ${windowSeconds} s windows (getStats inbound-rtp deltas; the longest freeze from the counters read every 250 ms, exact when one freeze ends per reading, else an upper bound):`,
    '',
    table(
      [
        'impairment',
        'direction',
        'fps',
        'freezes',
        'freeze s',
        'longest freeze s',
        'video loss %',
        'NACKs',
        'PLIs',
        'audio concealed %',
        'RTT ms',
        'jitter ms',
      ],
      quality.flatMap((q) => qualityRows(q.label, q.window)),
    ),
  ].join('\n');
  const file = writeJson(values.out ?? 'network', { machine, recovery, quality, delayStats });
  if (!values['no-markdown']) upsertSection(values.out ?? 'network', md);
  console.log(md);
  console.log(`wrote ${path.relative(repoRoot, file)}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
