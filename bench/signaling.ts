/**
 * Signaling alone: join/offer/leave cycles per second and ack latency.
 *
 *   npm run bench:signaling -- --seconds 10 --concurrency 1,8,32 --modes join-leave,join-offer-leave
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { ensureLoopbackOnly } from './lib/netns';
import { machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { startStack } from './lib/stack';
import { sampleOffer } from './signaling/offer';
import { type CycleMode, runSignaling, type SignalingResult } from './signaling/run';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,8,32' },
    modes: { type: 'string', default: 'join-leave,join-offer-leave' },
    'max-cycles': { type: 'string', default: '200000' },
    out: { type: 'string', default: 'signaling' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

const isMode = (m: string): m is CycleMode => m === 'join-leave' || m === 'join-offer-leave';

function markdown(results: SignalingResult[], command: string, rel: string): string {
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
      '`sdp:offer` for my own endpoint (a real werift VP8+Opus offer, processOffer + gatherCandidates), ' +
      'then `room:leave` (releases everything) and disconnect. Clients run in the benchmark process; the signaling ' +
      'server and the media server are separate processes, their CPU read from /proc.',
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
  const results: SignalingResult[] = [];
  for (const mode of modes) {
    for (const concurrency of concurrencies) {
      const stack = await startStack();
      try {
        const r = await runSignaling({ stack, mode, concurrency, seconds, maxCycles, offerSdp });
        console.log(
          `${mode} x${concurrency}: ${r.cyclesPerSecond} cycles/s, join p50 ${r.join.p50} ms p99 ${r.join.p99} ms, errors ${r.errors}`,
        );
        results.push(r);
      } finally {
        await stack.stop();
      }
    }
  }
  const command = commandLine();
  const file = writeJson(values.out ?? 'signaling', { machine: machineInfo(), command, results });
  const rel = path.relative(repoRoot, file);
  if (!values['no-markdown']) upsertSection('signaling', markdown(results, command, rel));
  console.log(`wrote ${rel}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
