/**
 * The open issues' targets (15, 16, 18) against the newest result file of each kind in
 * bench/results/: computed from the runs, never typed in, and named with the file they came from
 * so that a reader can see the date and load of the run behind each verdict.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { resultsDir } from '../lib/report';

const compareRun = z.object({
  ok: z.boolean(),
  packetsPerCpuSecond: z.number().nullable(),
  mediaRssMB: z.number().nullable(),
  lossPercent: z.number().nullable(),
});
const compareFile = z.object({
  arms: z.array(z.object({ label: z.string(), sfu: z.string() })),
  started: z.string(),
  results: z.record(z.string(), z.array(compareRun)),
});
const joinFile = z.object({
  machine: z.object({ date: z.string() }),
  summaries: z.array(
    z.object({
      arm: z.string().optional(),
      participants: z.number(),
      median: z.record(z.string(), z.number().nullable()),
    }),
  ),
});
const networkFile = z.object({
  machine: z.object({ date: z.string() }),
  recovery: z.array(
    z.object({ label: z.string(), runs: z.array(z.object({ recoveryMs: z.number() })) }),
  ),
});

interface Found<T> {
  name: string;
  date: string;
  data: T;
}

/** The newest file in bench/results/ that `schema` accepts and `accept` keeps, by `dateOf`. */
function newest<T>(
  dir: string,
  schema: z.ZodType<T>,
  dateOf: (data: T) => string,
  accept: (data: T) => boolean = () => true,
): Found<T> | undefined {
  let best: Found<T> | undefined;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch {
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success || !accept(parsed.data)) continue;
    const date = dateOf(parsed.data);
    if (!best || date > best.date)
      best = { name: file.replace(/\.json$/, ''), date, data: parsed.data };
  }
  return best;
}

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const round = (v: number, digits = 0): number => Number(v.toFixed(digits));

export interface TargetRow {
  target: string;
  wanted: string;
  measured: string;
  met: boolean | undefined;
  source: string;
}

function forwardingRows(dir: string): TargetRow[] {
  const found = newest(
    dir,
    compareFile,
    (d) => d.started,
    (d) => d.arms.some((a) => a.sfu === 'janus') && d.arms.some((a) => a.sfu === 'moim'),
  );
  if (!found) return [];
  const { arms, results } = found.data;
  const janus = arms.find((a) => a.sfu === 'janus')?.label ?? 'janus';
  // With several Moim builds in one run, the last arm is the one under test.
  const moim = arms.filter((a) => a.sfu === 'moim').at(-1)?.label ?? 'moim';
  const sizes = [...new Set(Object.keys(results).map((k) => Number(k.split('/')[1])))].sort(
    (a, b) => a - b,
  );
  const ok = (label: string, size: number): z.infer<typeof compareRun>[] =>
    (results[`${label}/${size}`] ?? []).filter((r) => r.ok);
  const at = (
    label: string,
    size: number,
    key: 'packetsPerCpuSecond' | 'mediaRssMB' | 'lossPercent',
  ) => median(ok(label, size).flatMap((r) => (r[key] === null ? [] : [r[key]])));
  const source = `${found.name} (${found.date.slice(0, 16)})`;
  const ratios = sizes.map((size) => {
    const m = at(moim, size, 'packetsPerCpuSecond');
    const j = at(janus, size, 'packetsPerCpuSecond');
    return { size, ratio: m !== undefined && j ? m / j : undefined };
  });
  const measuredRatios = ratios
    .map((r) => `${r.size}: ${r.ratio === undefined ? '–' : round(r.ratio, 2)}`)
    .join(', ');
  const rss8 = at(moim, 8, 'mediaRssMB');
  const loss16 = at(moim, 16, 'lossPercent');
  return [
    {
      target: 'Moim ÷ Janus packets per CPU-second, every N (15)',
      wanted: '≥ 1.0',
      measured: measuredRatios,
      met: ratios.some((r) => r.ratio === undefined)
        ? undefined
        : ratios.every((r) => (r.ratio ?? 0) >= 1),
      source,
    },
    {
      target: 'media-server RSS, N = 8 (15)',
      wanted: '≤ 80 MB',
      measured: rss8 === undefined ? '–' : `${round(rss8, 1)} MB`,
      met: rss8 === undefined ? undefined : rss8 <= 80,
      source,
    },
    {
      target: '16-person room, loss (15)',
      wanted: '< 0.5 %',
      measured: loss16 === undefined ? '–' : `${round(loss16, 2)} %`,
      met: loss16 === undefined ? undefined : loss16 < 0.5,
      source,
    },
  ];
}

/** One join target from the newest join file that measured a room of `size`. */
function joinRow(
  dir: string,
  size: number,
  key: 'total' | 'allRemotes',
  target: string,
  limitMs: number,
): TargetRow[] {
  const found = newest(
    dir,
    joinFile,
    (d) => d.machine.date,
    (d) => d.summaries.some((s) => s.participants === size),
  );
  if (!found) return [];
  // With two builds in one run, the last arm is the one under test.
  const arm = [...new Set(found.data.summaries.map((s) => s.arm))].at(-1);
  const value = found.data.summaries.find((s) => s.arm === arm && s.participants === size)?.median[
    key
  ];
  const known = value !== undefined && value !== null;
  return [
    {
      target,
      wanted: `≤ ${limitMs} ms`,
      measured: known ? `${round(value)} ms` : '–',
      met: known ? value <= limitMs : undefined,
      source: `${found.name} (${found.date.slice(0, 16)}${arm ? `, arm ${arm}` : ''})`,
    },
  ];
}

const joinRows = (dir: string): TargetRow[] => [
  ...joinRow(dir, 2, 'total', 'click → first remote frame, 2 people, median (18)', 300),
  ...joinRow(dir, 8, 'allRemotes', 'click → frames of all remotes, room of 8, median (18)', 800),
];

function recoveryRows(dir: string): TargetRow[] {
  const found = newest(
    dir,
    networkFile,
    (d) => d.machine.date,
    (d) => d.recovery.length > 0,
  );
  if (!found) return [];
  const source = `${found.name} (${found.date.slice(0, 16)})`;
  return [
    ['path cut', 'recovery after a 5 s path cut, p50 (16)'],
    ['address change', 'recovery after an address change, p50 (16)'],
  ].map(([prefix, target]) => {
    const runs = found.data.recovery.find((r) => r.label.startsWith(prefix ?? ''))?.runs ?? [];
    const p50 = runs.length >= 5 ? median(runs.map((r) => r.recoveryMs)) : undefined;
    return {
      target: target ?? '',
      wanted: '≤ 3,000 ms (≥ 5 runs)',
      measured:
        p50 === undefined ? `– (${runs.length} runs)` : `${round(p50)} ms (${runs.length} runs)`,
      met: p50 === undefined ? undefined : p50 <= 3000,
      source,
    };
  });
}

export function openIssueRows(dir = resultsDir): TargetRow[] {
  return [...forwardingRows(dir), ...recoveryRows(dir), ...joinRows(dir)];
}
