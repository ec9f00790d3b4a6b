/**
 * Join latency with real Chromium: click on Join → first decoded remote frame, by phase.
 *
 *   npm run bench:join -- --participants 2,4 --runs 10 [--build] [--url http://127.0.0.1:3000]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

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
  participants: number;
  runs: number;
  failures: string[];
  median: Record<string, number>;
  p95: Record<string, number>;
  frameSources: Record<string, number>;
}

function summarizeJoin(r: JoinRunResult): JoinSummary {
  const median: Record<string, number> = {};
  const p95: Record<string, number> = {};
  for (const k of PHASES) {
    const v = r.phases.map((p) => p[k]);
    median[k] = round(quantile(v, 0.5), 1);
    p95[k] = round(quantile(v, 0.95), 1);
  }
  const frameSources: Record<string, number> = {};
  for (const p of r.phases) frameSources[p.frameSource] = (frameSources[p.frameSource] ?? 0) + 1;
  return {
    participants: r.participants,
    runs: r.phases.length,
    failures: r.failures,
    median,
    p95,
    frameSources,
  };
}

function markdown(summaries: JoinSummary[], command: string, rel: string, server: string): string {
  const rows = summaries.map((s) => [
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
      ],
      rows,
    ),
    '',
    'Phase columns are medians in ms, for the remote whose frame came first; they add up to the ' +
      'total of each run (medians need not add up exactly). N − 1 participants are already in the ' +
      'call (Chromium pages, fake camera); each run a new participant opens the prejoin screen, and ' +
      'the clock starts at its click on Join. Milestones are recorded by a probe script injected ' +
      'into the page (`bench/join/page-probe.js`): socket.io frames, RTCPeerConnection events, and ' +
      'the first `requestVideoFrameCallback` of the remote `<video>` (getStats `framesDecoded > 0` ' +
      'as a fallback). Target (`DESIGN.md`): median ≤ 500 ms for two participants.',
  ].join('\n');
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const appDir = values.build ? buildHead((l) => console.log(l)) : (values.root ?? repoRoot);
  const counts = (values.participants ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n >= 2);
  let app: AppServer | undefined;
  const url = values.url ?? (app = await startAppServer(appDir)).url;
  const server = values.url
    ? `external ${values.url}`
    : `\`node dist/server.js\` (embedded media server) of ${appDir === repoRoot ? 'the checkout' : `the build in \`${appDir}\``}`;
  const browser = await launchChromium();
  const summaries: JoinSummary[] = [];
  const raw: JoinRunResult[] = [];
  try {
    for (const participants of counts) {
      console.log(`room of ${participants}`);
      const r = await runJoin({
        browser,
        url,
        participants,
        runs: Number(values.runs),
        warmupRuns: Number(values.warmup),
        timeoutMs: Number(values['timeout-ms']),
        log: (l) => console.log(l),
      });
      summaries.push(summarizeJoin(r));
      raw.push(r);
    }
  } finally {
    await browser.close();
    await app?.stop();
  }
  const command = commandLine();
  const file = writeJson(values.out ?? 'join-latency', {
    machine: machineInfo(),
    command,
    server,
    summaries,
    runs: raw,
  });
  const rel = path.relative(repoRoot, file);
  if (!values['no-markdown']) upsertSection('join', markdown(summaries, command, rel, server));
  for (const s of summaries) {
    console.log(
      `N=${s.participants}: median ${s.median.total} ms, p95 ${s.p95.total} ms (${s.runs} runs)`,
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
