/**
 * Forwarding capacity of the embedded media server: rooms of N synthetic werift participants,
 * through the real signaling server, kurento-client and media-server processes.
 *
 *   npm run bench:forwarding -- --sizes 2,4,8,12,16 --seconds 10 [--until-break] [--repeat 3]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { forwardingMarkdown, type SizeSummary } from './forwarding/format';
import { runRoom } from './forwarding/run-room';
import { ensureLoopbackOnly } from './lib/netns';
import { buildHead } from './lib/build';
import { machineInfo, repoRoot } from './lib/machine';
import { commandLine, upsertSection, writeJson } from './lib/report';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2,4,8,12,16' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'per-worker': { type: 'string', default: '4' },
    /** run the production bundle (dist/media-server.js) of committed HEAD, built in /tmp */
    build: { type: 'boolean', default: false },
    /** run the servers from this built tree (made by --build earlier) */
    root: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    /** subscribers decrypt every n-th RTP packet (1 = all); lighter load generator for big rooms */
    sample: { type: 'string', default: '8' },
    /** seconds every stream may take to start flowing after the last join (default 15 + N) */
    'flow-seconds': { type: 'string' },
    'until-break': { type: 'boolean', default: false },
    'max-size': { type: 'string', default: '40' },
    'loss-limit': { type: 'string', default: '2' },
    out: { type: 'string', default: 'forwarding' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const sizes = (values.sizes ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n >= 2);
  const seconds = Number(values.seconds);
  const warmupSeconds = Number(values.warmup);
  const perWorker = Number(values['per-worker']);
  const sampleEvery = Number(values.sample);
  const root = values.root ?? (values.build ? buildHead((l) => console.log(l)) : undefined);
  const repeat = Math.max(1, Number(values.repeat));
  const maxSize = Number(values['max-size']);
  const lossLimit = Number(values['loss-limit']);
  const machine = machineInfo();
  const command = commandLine();
  const log = (line: string): void => console.log(line);
  const summaries: SizeSummary[] = [];

  const queue = [...sizes];
  while (queue.length > 0) {
    const size = queue.shift() ?? 0;
    const runs = [];
    for (let i = 0; i < repeat; i++) {
      log(`room of ${size}, run ${i + 1}/${repeat}`);
      const r = await runRoom({
        size,
        seconds,
        warmupSeconds,
        perWorker,
        sampleEvery,
        root,
        log,
        flowSeconds: values['flow-seconds'] ? Number(values['flow-seconds']) : undefined,
      });
      log(
        r.ok
          ? `  in ${r.packetsInPerSecond}/s out ${r.packetsOutPerSecond}/s media ${r.mediaCpuPerSecond} CPU-s/s -> ${r.packetsPerCpuSecond} pkts/CPU-s, loss ${r.lossPercent}%, p50 ${r.latency.p50} ms, RSS ${r.mediaRssMB} MB`
          : `  failed: ${r.failure ?? ''}`,
      );
      runs.push(r);
      if (!r.ok) break;
    }
    const ok = runs
      .filter((r) => r.ok)
      .sort((a, b) => a.packetsPerCpuSecond - b.packetsPerCpuSecond);
    const median = ok[Math.floor((ok.length - 1) / 2)] ?? runs[runs.length - 1];
    if (!median) break;
    summaries.push({ size, median, runs });
    const broke = !median.ok || median.lossPercent > lossLimit;
    if (broke) {
      log(`room of ${size} broke (loss ${median.lossPercent}% or failure); stopping`);
      break;
    }
    if (values['until-break'] && queue.length === 0 && size + 4 <= maxSize) queue.push(size + 4);
  }

  const params =
    `media server: ${root ? `production bundle \`dist/media-server.js\` of committed HEAD built in \`${root}\` (node, no tsx)` : '`media-server/main.ts` of the checkout under tsx (as in development and tests)'}; ` +
    `window ${seconds} s after ${warmupSeconds} s warm-up, ${perWorker} participants per load process, ` +
    `${repeat} run(s) per size (median by packets per CPU-second, range in parentheses), ` +
    (sampleEvery > 1
      ? `subscribers decrypt 1 in ${sampleEvery} RTP packets (latency from those; out/loss from every datagram's clear header; no NACK)`
      : 'subscribers decrypt every packet (werift, NACK on)') +
    (values['until-break']
      ? `, sizes grow by 4 until loss > ${lossLimit}% or failure (max ${maxSize})`
      : '');
  const data = { machine, command, params, sizes: summaries };
  const file = writeJson(values.out ?? 'forwarding', data);
  const rel = path.relative(repoRoot, file);
  if (!values['no-markdown']) {
    upsertSection('forwarding', forwardingMarkdown(machine, command, params, summaries, rel));
  }
  log(`wrote ${rel}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
