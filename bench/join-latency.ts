/**
 * Join latency with real Chromium: click on Join → first decoded remote frame, by phase.
 *
 *   npm run bench:join -- --participants 2,4 --runs 10 [--build] [--url http://127.0.0.1:3000]
 *   npm run bench:join -- --a base=/tmp/moim-bench-app-<old> --b new=/tmp/moim-bench-app-<new> \
 *     --participants 2,4,8 --runs 10 --rounds 2
 *
 * With `--a`/`--b` both builds run side by side (two app servers, one browser), alternating per
 * round and room size (A B, then B A), each arm getting runs ÷ rounds joins per round.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import type { Browser } from '@playwright/test';

import { type AppServer, startAppServer } from './join/app-server';
import { launchChromium } from './join/browser';
import type { JoinPhases } from './join/phases';
import { type JoinRunResult, runJoin } from './join/run';
import { ensureLoopbackOnly } from './lib/netns';
import { buildHead } from './lib/build';
import { machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { quantile, round } from './lib/stats';

const { values } = parseArgs({
  options: {
    participants: { type: 'string', default: '2,4' },
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    'timeout-ms': { type: 'string', default: '20000' },
    url: { type: 'string' },
    /** build committed HEAD in /tmp/moim-bench-app-<commit> and run that */
    build: { type: 'boolean', default: false },
    /** run dist/server.js of this built tree (made by --build earlier) */
    root: { type: 'string' },
    /** label=root of a built tree: compare two builds, alternating */
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    /** the N − 1 present participants are Chromium pages, not werift publishers of a VP8 clip */
    'chromium-present': { type: 'boolean', default: false },
    /** with --chromium-present: they send the default fake camera (720p) instead of 160×120 */
    'full-cost-present': { type: 'boolean', default: false },
    out: { type: 'string', default: 'join-latency' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

const PHASES: (keyof Omit<JoinPhases, 'frameSource'>)[] = [
  'socket',
  'join',
  'offerLocal',
  'sdp',
  'ice',
  'dtls',
  'firstFrame',
  'total',
  'allRemotes',
];

export interface JoinSummary {
  arm: string;
  participants: number;
  /** CPU-s/s during the measured joins (medians over rounds): browsers, present, servers, machine */
  cpu: { browsers: number; present: number; server: number; machine: number } | undefined;
  load: [number, number];
  runs: number;
  failures: string[];
  median: Record<string, number>;
  p95: Record<string, number>;
  frameSources: Record<string, number>;
}

function summarizeJoin(arm: string, rs: JoinRunResult[]): JoinSummary {
  const median: Record<string, number> = {};
  const p95: Record<string, number> = {};
  const phases = rs.flatMap((r) => r.phases);
  for (const k of PHASES) {
    const v = phases.map((p) => p[k]);
    median[k] = round(quantile(v, 0.5), 1);
    p95[k] = round(quantile(v, 0.95), 1);
  }
  const frameSources: Record<string, number> = {};
  for (const p of phases) frameSources[p.frameSource] = (frameSources[p.frameSource] ?? 0) + 1;
  const cpus = rs.flatMap((r) => (r.cpu ? [r.cpu] : []));
  const cpuMedian = (k: 'browsers' | 'present' | 'server' | 'machine'): number =>
    round(
      quantile(
        cpus.map((c) => c[k]),
        0.5,
      ),
      2,
    );
  return {
    arm,
    participants: rs[0]?.participants ?? 0,
    cpu: cpus.length
      ? {
          browsers: cpuMedian('browsers'),
          present: cpuMedian('present'),
          server: cpuMedian('server'),
          machine: cpuMedian('machine'),
        }
      : undefined,
    load: [
      round(Math.min(...rs.map((r) => r.load[0])), 2),
      round(Math.max(...rs.map((r) => r.load[1])), 2),
    ],
    runs: phases.length,
    failures: rs.flatMap((r) => r.failures),
    median,
    p95,
    frameSources,
  };
}

function ratio(s: JoinSummary, base: JoinSummary | undefined, k: string): number {
  return round((s.median[k] ?? NaN) / (base?.median[k] ?? NaN), 2);
}

const presentText = (chromium: boolean): string =>
  chromium
    ? 'N − 1 participants are already in the call (Chromium pages; they send a 160×120, 15 fps ' +
      'fake camera, `--full-cost-present` for 720p: real VP8 to decode, at little encoding cost)'
    : 'N − 1 participants are already in the call: werift participants in load-generator ' +
      'processes of their own (`bench/join/present.ts`), each publishing a 320×240 VP8 clip made ' +
      'once by ffmpeg, looped at 30 fps, with synthetic Opus, and watching nobody (the clean ' +
      'room; `--chromium-present` for Chromium pages); the joiner is Chromium and decodes them';

function markdown(summaries: JoinSummary[], command: string, rel: string, server: string): string {
  const compared = new Set(summaries.map((s) => s.arm)).size > 1;
  const baseOf = (s: JoinSummary): JoinSummary | undefined =>
    summaries.find((x) => x.participants === s.participants);
  const rows = summaries.map((s) => [
    ...(compared ? [s.arm] : []),
    s.participants,
    s.runs + (s.failures.length ? ` (+${s.failures.length} failed)` : ''),
    `**${s.median.total}** / ${s.p95.total}`,
    `${s.median.allRemotes} / ${s.p95.allRemotes}`,
    s.median.socket,
    s.median.join,
    s.median.offerLocal,
    s.median.sdp,
    s.median.ice,
    s.median.dtls,
    s.median.firstFrame,
    ...(compared ? [`${ratio(s, baseOf(s), 'total')} / ${ratio(s, baseOf(s), 'allRemotes')}`] : []),
    s.cpu ? `${s.cpu.browsers} / ${s.cpu.present} / ${s.cpu.server} / ${s.cpu.machine}` : '–',
    `${s.load[0]} → ${s.load[1]}`,
  ]);
  return [
    '## Join latency (real Chromium)',
    '',
    machineMarkdown(machineInfo()),
    `- command: \`${command}\``,
    `- server: ${server}`,
    `- raw results: \`${rel}\``,
    '',
    table(
      [
        ...(compared ? ['build'] : []),
        'N',
        'runs',
        'click → first remote frame, median / p95 ms',
        'click → frames of all remotes, median / p95 ms',
        'socket connect',
        'join ack',
        'offer created',
        'offer → answer',
        'answer → ICE connected',
        'ICE → DTLS connected',
        'DTLS → first frame',
        ...(compared ? ['÷ first arm (first / all)'] : []),
        'CPU-s/s browsers / present / servers / machine',
        'load 1 min',
      ],
      rows,
    ),
    '',
    'Phase columns are medians in ms, for the remote whose frame came first; they add up to the ' +
      `total of each run (medians need not add up exactly). ${presentText(values['chromium-present'])}; ` +
      'each run a new participant opens the prejoin screen, and ' +
      'the clock starts at its click on Join. Milestones are recorded by a probe script injected ' +
      'into the page (`bench/join/page-probe.js`): socket.io frames, RTCPeerConnection events, and ' +
      'the first `requestVideoFrameCallback` of the remote `<video>` (getStats `framesDecoded > 0` ' +
      'as a fallback). CPU: ' +
      "CPU-seconds per second during the measured joins of this tool's Chromium (all pages), of " +
      'the present werift participants, of ' +
      "the app and media servers, and of the whole machine (others' work included) out of " +
      `${summaries[0]?.cpu ? os.availableParallelism() : '?'} cores. Targets (issue 18): N = 2 ` +
      'median ≤ 300 ms; all remotes of a room of 8 ≤ 800 ms median.',
  ].join('\n');
}

interface Arm {
  label: string;
  root: string;
}

function armOf(spec: string, name: string): Arm {
  const at = spec.indexOf('=');
  if (at <= 0) throw new Error(`--${name} label=/path/to/build is required`);
  return { label: spec.slice(0, at), root: spec.slice(at + 1) };
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const arms: Arm[] =
    values.a && values.b
      ? [armOf(values.a, 'a'), armOf(values.b, 'b')]
      : [
          {
            label: 'this',
            root: values.build ? buildHead((l) => console.log(l)) : (values.root ?? repoRoot),
          },
        ];
  const counts = (values.participants ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n >= 2);
  const rounds = arms.length > 1 ? Math.max(1, Number(values.rounds)) : 1;
  const runsPerRound = Math.ceil(Number(values.runs) / rounds);
  const apps: AppServer[] = [];
  const urls = new Map<string, { url: string; pid: number | undefined }>();
  const results = new Map<string, JoinRunResult[]>();
  let browser: Browser | undefined;
  try {
    for (const arm of arms) {
      if (values.url) {
        urls.set(arm.label, { url: values.url, pid: undefined });
        continue;
      }
      const app = await startAppServer(arm.root);
      apps.push(app);
      urls.set(arm.label, { url: app.url, pid: app.pid });
    }
    browser = await launchChromium();
    for (let r = 0; r < rounds; r++) {
      for (const participants of counts) {
        const order = r % 2 === 0 ? arms : [...arms].reverse();
        for (const arm of order) {
          const target = urls.get(arm.label);
          if (!target) continue;
          console.log(`round ${r + 1}/${rounds}, room of ${participants}, ${arm.label}`);
          const result = await runJoin({
            browser,
            url: target.url,
            participants,
            runs: runsPerRound,
            warmupRuns: Number(values.warmup),
            timeoutMs: Number(values['timeout-ms']),
            ...(target.pid === undefined ? {} : { serverPid: target.pid }),
            chromiumPresent: values['chromium-present'],
            fullCostPresent: values['full-cost-present'],
            log: (l) => console.log(l),
          });
          const key = `${arm.label}/${participants}`;
          results.set(key, [...(results.get(key) ?? []), result]);
        }
      }
    }
  } finally {
    await browser?.close();
    await Promise.all(apps.map((app) => app.stop()));
  }
  const summaries = counts.flatMap((n) =>
    arms.map((arm) => summarizeJoin(arm.label, results.get(`${arm.label}/${n}`) ?? [])),
  );
  const server = values.url
    ? `external ${values.url}`
    : arms
        .map(
          (a) =>
            `${arms.length > 1 ? `${a.label}: ` : ''}\`node dist/server.js\` (embedded media server) of ${a.root === repoRoot ? 'the checkout' : `the build in \`${a.root}\``}`,
        )
        .join('; ') + (arms.length > 1 ? `; ${rounds} rounds, alternating` : '');
  const command = commandLine();
  const file = writeJson(values.out ?? 'join-latency', {
    machine: machineInfo(),
    command,
    server,
    summaries,
    runs: Object.fromEntries(results),
  });
  const rel = path.relative(repoRoot, file);
  const md = markdown(summaries, command, rel, server);
  if (!values['no-markdown'])
    upsertSection(values.out === 'join-latency' ? 'join' : (values.out ?? 'join'), md);
  console.log(md);
  for (const s of summaries) {
    console.log(
      `${s.arm} N=${s.participants}: median ${s.median.total} ms (all ${s.median.allRemotes}), p95 ${s.p95.total} ms (${s.runs} runs)`,
    );
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
