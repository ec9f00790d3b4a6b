/**
 * Signaling alone: join/offer/leave cycles per second and ack latency.
 *
 *   npm run bench:signaling -- --seconds 10 --concurrency 1,8,32 --modes join-leave,join-offer-leave
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { ensureLoopbackOnly } from './lib/netns';
import { buildHead } from './lib/build';
import { machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import { mainThreadProfile, type ProfileSummary, summarizeProfile } from './lib/cpuprofile';
import {
  commandLine,
  resultsDir,
  table,
  timestampForFile,
  upsertSection,
  writeJson,
} from './lib/report';
import { startStack } from './lib/stack';
import { sampleOffer } from './signaling/offer';
import { type CycleMode, runSignaling, type SignalingResult } from './signaling/run';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,8,32' },
    modes: { type: 'string', default: 'join-leave,join-offer-leave' },
    'max-cycles': { type: 'string', default: '200000' },
    /** CPU-profile the media server during the join-offer-leave run with the most clients */
    profile: { type: 'boolean', default: false },
    /** run the production bundle (dist/media-server.js) of committed HEAD, built in /tmp */
    build: { type: 'boolean', default: false },
    /** run the servers from this built tree (made by --build earlier) */
    root: { type: 'string' },
    out: { type: 'string', default: 'signaling' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

const isMode = (m: string): m is CycleMode => m === 'join-leave' || m === 'join-offer-leave';

function rpcTable(r: SignalingResult | undefined): string[] {
  if (!r || r.mediaRpc.length === 0) return [];
  return [
    '',
    `Media-server calls as the signaling server timed them (\`moim_media_rpc_duration_seconds\`), ` +
      `${r.mode}, ${r.concurrency} client(s):`,
    '',
    table(
      ['operation', 'calls', 'mean ms'],
      r.mediaRpc.map((m) => [`\`${m.operation}\``, m.count, m.meanMs]),
    ),
  ];
}

function profileTable(p: ProfileSummary | undefined, what: string): string[] {
  if (!p) return [];
  return [
    '',
    `CPU profile of the media server during ${what} (${p.profiledSeconds} s, ` +
      `${p.busyPercentOfProfile}% busy); self time by function:`,
    '',
    table(
      ['%', 'function', 'where'],
      p.topSelf.slice(0, 12).map((h) => [h.selfPercent, `\`${h.name}\``, `\`${h.where}\``]),
    ),
    '',
    'by module: ' +
      p.byModule
        .slice(0, 8)
        .map((m) => `\`${m.module}\` ${m.selfPercent}%`)
        .join(', '),
  ];
}

function markdown(
  results: SignalingResult[],
  command: string,
  rel: string,
  profile: { summary: ProfileSummary; what: string } | undefined,
  root: string | undefined,
): string {
  const machine = machineInfo();
  const rows = results.map((r) => [
    r.mode,
    r.concurrency,
    `**${r.cyclesPerSecond}**`,
    `${r.connect.p50} / ${r.connect.p99}`,
    `${r.join.p50} / ${r.join.p99}`,
    r.offer.n > 0 ? `${r.offer.p50} / ${r.offer.p99}` : '–',
    `${r.leave.p50} / ${r.leave.p99}`,
    `${r.cycle.p50} / ${r.cycle.p99}`,
    r.signalingCpuPerSecond,
    r.mediaCpuPerSecond,
    r.errors === 0 ? 0 : `${r.errors} (${r.firstErrors[0] ?? ''})`,
  ]);
  return [
    '## Signaling (no media)',
    '',
    machineMarkdown(machine),
    `- command: \`${command}\``,
    `- media server: ${root ? `production bundle \`dist/media-server.js\` of committed HEAD built in \`${root}\`` : '`media-server/main.ts` of the checkout under tsx'}; signaling server: \`server/app.ts\` createApp under tsx (bench/lib/signaling-host.ts), same tree`,
    `- raw results: \`${rel}\``,
    '',
    table(
      [
        'cycle',
        'clients',
        'cycles/s',
        'connect p50/p99 ms',
        'join ack p50/p99 ms',
        'offer ack p50/p99 ms',
        'leave ack p50/p99 ms',
        'cycle p50/p99 ms',
        'signaling CPU s/s',
        'media CPU s/s',
        'errors',
      ],
      rows,
    ),
    '',
    'Each client loops in its own room: a new socket.io connection (websocket), `room:join` ' +
      "(creates the room's MediaPipeline and my WebRtcEndpoint on the media server), optionally " +
      '`publication:publish` of my camera (a real werift VP8+Opus offer, processOffer + gatherCandidates), ' +
      'then `room:leave` (releases everything) and disconnect. Clients run in the benchmark process; the signaling ' +
      'server and the media server are separate processes, their CPU read from /proc.',
    ...rpcTable(results.find((r) => r.mode === 'join-offer-leave' && r.concurrency === 1)),
    ...profileTable(profile?.summary, profile?.what ?? ''),
  ].join('\n');
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const seconds = Number(values.seconds);
  const maxCycles = Number(values['max-cycles']);
  const concurrencies = (values.concurrency ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const modes = (values.modes ?? '').split(',').filter(isMode);
  const offerSdp = await sampleOffer();
  const root = values.root ?? (values.build ? buildHead((l) => console.log(l)) : undefined);
  const results: SignalingResult[] = [];
  const maxConcurrency = Math.max(...concurrencies);
  let profile: { summary: ProfileSummary; what: string } | undefined;
  for (const mode of modes) {
    for (const concurrency of concurrencies) {
      const profiled =
        values.profile && mode === 'join-offer-leave' && concurrency === maxConcurrency;
      const cpuProfileDir = profiled
        ? path.join(resultsDir, 'profiles', `signaling-${timestampForFile()}`)
        : undefined;
      if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
      const started = Date.now();
      const stack = await startStack({ cpuProfileDir, root });
      let window: { startUs: number; endUs: number } | undefined;
      try {
        const startUs = Number(process.hrtime.bigint() / 1000n);
        const r = await runSignaling({ stack, mode, concurrency, seconds, maxCycles, offerSdp });
        window = { startUs, endUs: Number(process.hrtime.bigint() / 1000n) };
        console.log(
          `${mode} x${concurrency}: ${r.cyclesPerSecond} cycles/s, join p50 ${r.join.p50} ms p99 ${r.join.p99} ms, errors ${r.errors}`,
        );
        results.push(r);
      } finally {
        await stack.stop();
      }
      const file = cpuProfileDir ? mainThreadProfile(cpuProfileDir, started) : undefined;
      if (file) {
        profile = {
          summary: summarizeProfile(file, 15, window),
          what: `${mode} cycles with ${concurrency} clients`,
        };
      }
    }
  }
  const command = commandLine();
  const file = writeJson(values.out ?? 'signaling', {
    machine: machineInfo(),
    command,
    results,
    profile,
  });
  const rel = path.relative(repoRoot, file);
  if (!values['no-markdown'])
    upsertSection('signaling', markdown(results, command, rel, profile, root));
  console.log(`wrote ${rel}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
