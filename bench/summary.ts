/**
 * Reads the JSON results in bench/results/ and writes the "targets" section of RESULTS.md: each
 * target of ../shared/DESIGN.md next to the measured number, computed, never typed in.
 *
 *   npm run bench:summary
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { table, resultsDir, upsertSection } from './lib/report';
import { openIssueRows } from './summary/openIssues';

const room = z.object({
  size: z.number(),
  ok: z.boolean(),
  packetsPerCpuSecond: z.number().nullable(),
  mediaCpuPerSecond: z.number().nullable(),
  mediaRssMB: z.number().nullable(),
  lossPercent: z.number().nullable(),
  machineBusyPercent: z.number().nullable(),
  loadGenCpuPerSecond: z.number().nullable(),
});
const forwardingFile = z.object({
  machine: z.object({ date: z.string() }),
  sizes: z.array(z.object({ size: z.number(), median: room })),
});
const joinFile = z.object({
  machine: z.object({ date: z.string() }),
  summaries: z.array(
    z.object({
      participants: z.number(),
      runs: z.number(),
      median: z.record(z.string(), z.number().nullable()),
      p95: z.record(z.string(), z.number().nullable()),
    }),
  ),
});
const signalingFile = z.object({
  machine: z.object({ date: z.string() }),
  results: z.array(
    z.object({ mode: z.string(), concurrency: z.number(), cyclesPerSecond: z.number() }),
  ),
});

function load<T>(name: string, schema: z.ZodType<T>): T | undefined {
  const file = path.join(resultsDir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  return schema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

const verdict = (ok: boolean | undefined): string =>
  ok === undefined ? 'not measured' : ok ? 'met' : '**not met**';
const n = (v: number | null | undefined, unit = ''): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v}${unit}`;

function main(): void {
  const fwd = load('forwarding', forwardingFile);
  const join = load('join-latency', joinFile);
  const sig = load('signaling', signalingFile);
  const at = (size: number): z.infer<typeof room> | undefined =>
    fwd?.sizes.find((s) => s.size === size)?.median;
  const r8 = at(8);
  const r16 = at(16);
  const j2 = join?.summaries.find((s) => s.participants === 2);
  const j2median = j2?.median.total ?? undefined;
  const largestClean = fwd?.sizes
    .filter((s) => s.median.ok && (s.median.lossPercent ?? 100) <= 0.1)
    .reduce((m, s) => Math.max(m, s.size), 0);
  const rows = [
    [
      'join → first remote frame, 2 people, median',
      '≤ 500 ms',
      n(j2median ?? null, ' ms'),
      verdict(j2median === undefined || j2median === null ? undefined : j2median <= 500),
    ],
    [
      'packets (in + out) per CPU-second, N = 8',
      '≥ 45,000',
      n(r8?.packetsPerCpuSecond),
      verdict(r8?.ok ? (r8.packetsPerCpuSecond ?? 0) >= 45_000 : undefined),
    ],
    [
      'packets per CPU-second, N = 16',
      '≥ 60,000',
      n(r16?.packetsPerCpuSecond),
      verdict(r16?.ok ? (r16.packetsPerCpuSecond ?? 0) >= 60_000 : undefined),
    ],
    [
      '16-person room without loss',
      'loss 0',
      r16?.ok
        ? `${n(r16.lossPercent, ' %')} (machine ${n(r16.machineBusyPercent, ' % busy')})`
        : '–',
      verdict(r16?.ok ? (r16.lossPercent ?? 100) <= 0.1 : undefined),
    ],
    [
      'media-server memory, N = 8',
      '≤ 80 MB',
      n(r8?.mediaRssMB, ' MB'),
      verdict(r8?.ok ? (r8.mediaRssMB ?? 1e9) <= 80 : undefined),
    ],
  ];
  const sigBest = sig?.results.reduce(
    (m, r) => (r.mode === 'join-offer-leave' && r.cyclesPerSecond > m ? r.cyclesPerSecond : m),
    0,
  );
  upsertSection(
    'targets',
    [
      '## Targets (`../shared/DESIGN.md`) against the measurements below',
      '',
      `Computed by \`npm run bench:summary\` from \`bench/results/*.json\` (forwarding ${fwd?.machine.date ?? '–'}, ` +
        `join ${join?.machine.date ?? '–'}, signaling ${sig?.machine.date ?? '–'}).`,
      '',
      table(['target', 'wanted', 'measured', ''], rows),
      '',
      `Largest room forwarded with loss ≤ 0.1 %: N = ${n(largestClean ?? null)}. ` +
        `Best join+offer+leave rate: ${n(sigBest ?? null, ' cycles/s')}.`,
      '',
      "The open issues' targets, each against the newest result file of its kind (named with its date; " +
        'the section of that run says what the machine was doing):',
      '',
      table(
        ['target (issue)', 'wanted', 'measured', '', 'from'],
        openIssueRows().map((r) => [r.target, r.wanted, r.measured, verdict(r.met), r.source]),
      ),
    ].join('\n'),
  );
  console.log('wrote the targets section of bench/RESULTS.md');
}

main();
