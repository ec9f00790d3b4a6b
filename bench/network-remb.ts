/**
 * Issue 16: what a Chromium publisher sends when some of its three Chromium viewers are on lossy
 * or capped links, with each viewer's cap estimated from its own receiver reports and NACKs (arm `new`) and
 * with configured caps only (arm `old`: the estimator is switched off in this process, which is
 * how the media server behaved before). The embedded media server runs in this process; a viewer's
 * downlink is impaired by an nftables rule on the server port of its connection, on everything
 * the server sends it (RTP, retransmissions, sender reports): random loss (`--loss`, `numgen
 * random`: loss that stays whatever the rate) or a policer (`--cap` kbit/s, `limit rate over`:
 * what exceeds the rate is dropped, as a full bottleneck would). Phases: none, one of three
 * viewers impaired, two of three. Arms alternate, one call each, in one run.
 *
 *   npx tsx bench/network-remb.ts --runs 2 --loss 20 --phase-seconds 30
 *   npx tsx bench/network-remb.ts --runs 2 --cap 250 --phase-seconds 30
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { chromiumArgs } from '../e2e/chromiumArgs';
import { startMediaServer } from '../media-server/index';
import { LinkEstimator } from '../media-server/media/LinkEstimator';
import { publisherLimit } from '../media-server/media/rembPolicy';
import type { WebRtcEndpoint } from '../media-server/objects/WebRtcEndpoint';
import type { KEndpoint, KPipeline } from '../media-server/test/kurento';
import { connectClient, k } from '../media-server/test/kurento';
import { chromiumPath, loadAverage, machineInfo, machineMarkdown } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { median, round } from './lib/stats';
import { chromiumPeer, pageStats } from './network/rembPeers';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    loss: { type: 'string', default: '20' },
    cap: { type: 'string' },
    'phase-seconds': { type: 'string', default: '30' },
    out: { type: 'string' },
    'no-markdown': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const lossPct = Number(values.loss);
const capKbps = values.cap === undefined ? undefined : Number(values.cap);
const impairment =
  capKbps === undefined
    ? `nftables \`numgen random\` dropping ${lossPct} %`
    : `an nftables policer (\`limit rate over ${capKbps} kbit/s\`, burst 8 kB) dropping what exceeds it`;
const phaseMs = Number(values['phase-seconds']) * 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Arm = 'new' | 'old';
const PHASES = [
  { name: 'none impaired', lossy: 0 },
  { name: '1 of 3 viewers impaired', lossy: 1 },
  { name: '2 of 3 viewers impaired', lossy: 2 },
] as const;

interface PhaseResult {
  arm: Arm;
  phase: string;
  /** Publisher's outbound video over the phase's second half, kbps. */
  sentKbps: number;
  frameWidth: number;
  /** What the REMB policy asks of the publisher at the phase's end (kbps, 0 = no cap). */
  rembKbps: number;
  /** Each viewer's link estimate at the phase's end (kbps, 0 = no limit). */
  estimatesKbps: number[];
  /** Each viewer's decoded frames per second over the phase's second half. */
  viewerFps: number[];
  /** Each viewer's freezes (Chromium's freezeCount) over the phase's second half. */
  viewerFreezes: number[];
  /** Datagrams any socket of the call dropped at a full receive buffer (second half). */
  rcvbufDrops: number;
  loadAverage: number;
}

/** UDP datagrams dropped at a full receive buffer in this namespace (every socket of the call). */
function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const [names, counts] = lines.map((l) => l.split(/\s+/));
  const i = names?.indexOf('RcvbufErrors') ?? -1;
  return i > 0 ? Number(counts?.[i] ?? 0) : 0;
}

function nft(args: string[]): void {
  const r = spawnSync('nft', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nft ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Impairs what the server sends from each of `ports` (nothing when empty). */
function impair(ports: number[]): void {
  nft(['flush', 'chain', 'inet', 'moimremb', 'out']);
  for (const port of ports) {
    if (capKbps !== undefined) {
      const rate = ['limit', 'rate', 'over', String(Math.round(capKbps / 8)), 'kbytes/second'];
      nft(
        ['add', 'rule', 'inet', 'moimremb', 'out', 'udp', 'sport', String(port)].concat(rate, [
          'burst',
          '8',
          'kbytes',
          'drop',
        ]),
      );
      continue;
    }
    const pct = lossPct;
    nft(
      ['add', 'rule', 'inet', 'moimremb', 'out', 'udp', 'sport', String(port)].concat([
        'numgen',
        'random',
        'mod',
        '100',
        '<',
        String(pct),
        'drop',
      ]),
    );
  }
}

/** Arm `old`: the estimator never reports a move, so every sink's cap is its configured one. */
const onReport = Object.getOwnPropertyDescriptor(LinkEstimator.prototype, 'onReport');
function switchArm(arm: Arm): void {
  if (!onReport) throw new Error('LinkEstimator.onReport not found');
  Object.defineProperty(
    LinkEstimator.prototype,
    'onReport',
    arm === 'new' ? onReport : { ...onReport, value: () => false },
  );
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  nft(['add', 'table', 'inet', 'moimremb']);
  nft(['add', 'chain', 'inet', 'moimremb', 'out', '{ type filter hook output priority 0 ; }']);
  const machine = machineInfo();
  const server = await startMediaServer(
    { port: 0, iceAddresses: ['127.0.0.1'] },
    pino({ level: 'silent' }),
  );
  const client = await connectClient(server.url);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  const pageUrl = server.url.replace('ws://', 'http://');
  const results: PhaseResult[] = [];
  try {
    const arms: Arm[] = [];
    for (let i = 0; i < runs; i++)
      arms.push(...(i % 2 === 0 ? (['new', 'old'] as const) : (['old', 'new'] as const)));
    for (const arm of arms) {
      switchArm(arm);
      const pipeline = await k<KPipeline>((cb) => client.create('MediaPipeline', cb));
      const endpoint = () => k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
      const pubEp = await endpoint();
      const viewEps = [await endpoint(), await endpoint(), await endpoint()];
      const pages: Page[] = [await chromiumPeer(browser, pageUrl, pubEp, 'send')];
      for (const ep of viewEps) await k((cb) => pubEp.connect(ep, cb));
      for (const ep of viewEps) pages.push(await chromiumPeer(browser, pageUrl, ep, 'recv'));
      const [pub, ...viewers] = pages;
      if (!pub) throw new Error('no publisher page');
      const deadline = Date.now() + 60_000;
      while ((await Promise.all(viewers.map(pageStats))).some((s) => (s.framesDecoded ?? 0) < 30)) {
        if (Date.now() > deadline) throw new Error('viewers decode nothing within 60 s');
        await sleep(500);
      }
      const onServer = viewEps.map((ep) => server.registry.lookup(ep.id) as WebRtcEndpoint);
      const ports = (await Promise.all(viewers.map(pageStats))).map((s) => s.serverPort ?? 0);
      if (ports.some((p) => !p)) throw new Error(`no selected candidate pair: ${ports.join()}`);
      for (const phase of PHASES) {
        impair(ports.slice(0, phase.lossy));
        await sleep(phaseMs / 2);
        const [p0, v0] = [await pageStats(pub), await Promise.all(viewers.map(pageStats))];
        const t0 = Date.now();
        const drops0 = rcvbufErrors();
        await sleep(phaseMs / 2);
        const [p1, v1] = [await pageStats(pub), await Promise.all(viewers.map(pageStats))];
        const s = (Date.now() - t0) / 1000;
        const caps = onServer.map((ep) => ep.bandwidth.sinkLimit);
        results.push({
          arm,
          phase: phase.name,
          sentKbps: round((((p1.bytesSent ?? 0) - (p0.bytesSent ?? 0)) * 8) / s / 1000, 0),
          frameWidth: p1.frameWidth ?? 0,
          rembKbps: publisherLimit(0, caps),
          estimatesKbps: onServer.map((ep) => round((ep.bandwidth.link?.targetBps ?? 0) / 1000, 0)),
          viewerFps: v1.map((v, i) =>
            round(((v.framesDecoded ?? 0) - (v0[i]?.framesDecoded ?? 0)) / s, 1),
          ),
          viewerFreezes: v1.map((v, i) => (v.freezeCount ?? 0) - (v0[i]?.freezeCount ?? 0)),
          rcvbufDrops: rcvbufErrors() - drops0,
          loadAverage: loadAverage()[0],
        });
        console.log(JSON.stringify(results.at(-1)));
      }
      impair([]);
      for (const page of pages) await page.close();
      await k((cb) => pipeline.release(cb));
    }
  } finally {
    switchArm('new');
    await browser.close();
    client.close();
    await server.close();
  }
  report(machine, results);
}

function report(machine: ReturnType<typeof machineInfo>, results: PhaseResult[]): void {
  writeJson(values.out ?? `network-remb${capKbps ? '-cap' : ''}`, {
    machine,
    command: commandLine(),
    impairment,
    phaseMs,
    results,
  });
  const rows = PHASES.flatMap((phase) =>
    (['old', 'new'] as const).map((arm) => {
      const of = results.filter((r) => r.arm === arm && r.phase === phase.name);
      const fps = (i: number) => round(median(of.map((r) => r.viewerFps[i] ?? 0)), 1);
      const freezes = (i: number) => of.map((r) => r.viewerFreezes[i] ?? 0).join('+');
      return [
        phase.name,
        arm,
        of.length,
        `**${round(median(of.map((r) => r.sentKbps)), 0)}**`,
        median(of.map((r) => r.frameWidth)),
        of.map((r) => r.rembKbps || 'none').join(', '),
        of.map((r) => r.estimatesKbps.map((e) => e || '–').join(' / ')).join('; '),
        `${fps(0)} / ${fps(1)} / ${fps(2)}`,
        `${freezes(0)} / ${freezes(1)} / ${freezes(2)}`,
        of.map((r) => r.rcvbufDrops).join(', '),
        of.map((r) => r.loadAverage).join(', '),
      ];
    }),
  );
  const markdown = [
    `### One Chromium publisher, three Chromium viewers: ${capKbps ? `${capKbps} kbit/s policer` : `${lossPct} % random loss`}`,
    '',
    machineMarkdown(machine),
    `- command: \`${commandLine()}\``,
    `- impairment: ${impairment} of what the server sends an impaired viewer (viewer 1, then 1 and 2); ${phaseMs / 1000} s per phase, measured over its second half; arms alternate in one run (old: the estimator switched off in-process)`,
    '',
    table(
      [
        'phase',
        'arm',
        'calls',
        'publisher sends kbps',
        'frame width',
        'REMB cap kbps (each call)',
        'viewer estimates kbps (each call)',
        'viewer fps 1 / 2 / 3',
        'viewer freezes 1 / 2 / 3 (each call)',
        'UDP rcvbuf drops (each call)',
        'load avg',
      ],
      rows,
    ),
  ].join('\n');
  if (!values['no-markdown']) upsertSection(`network-remb${capKbps ? '-cap' : ''}`, markdown);
  console.log(markdown);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
