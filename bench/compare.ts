/**
 * Two or three SFUs side by side under the forwarding load: for each round and size, one room on
 * each, rotating the order (A B C, then B C A, …), so all see the same machine and the same
 * neighbours. Reports per arm the median packets per CPU-second (CPU: schedstat's exact runtime of
 * every thread, lib/schedstat.ts; the clock-tick figure beside it as a cross-check) and the
 * ratios to A: the ratio of the medians and the median of the per-round ratios (B_i ÷ A_i, which
 * cancels the machine's drift between rounds). An arm is a
 * Moim build, or `janus` (Debian's Janus 1.1 VideoRoom, installed when missing; see
 * janus/process.ts). `--c` is optional (e.g. Janus vs the base build vs this one).
 *
 *   npm run bench:compare -- --a base=/tmp/moim-bench-app-<old> --b new=/tmp/moim-bench-app-<new> \
 *     --sizes 2,8 --rounds 3 --seconds 8
 *   (`--seconds 8` gives N = 2 a 20 s window; `--seconds 2:10,8` a 10 s one: lib/paired.ts)
 *   npm run bench:compare -- --a janus --b moim=/tmp/moim-bench-app-<commit> --sizes 2,4,8,12,16 \
 *     --sample 1 --out janus
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runRoom, type RoomResult } from './forwarding/run-room';
import { ensureJanus } from './janus/process';
import { addJanusInterface, JANUS_INTERFACE } from './janus/netns';
import { loadAverage, machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { pairedRatios, windowSeconds } from './lib/paired';
import { median, round } from './lib/stats';

const { values } = parseArgs({
  options: {
    /** label=root of a built tree (npm run bench:build), or `janus` */
    a: { type: 'string' },
    b: { type: 'string' },
    c: { type: 'string' },
    /** extra environment of arm a's / b's media server, K=V[,K=V] (e.g. MEDIA_NATIVE=off) */
    'a-env': { type: 'string' },
    'b-env': { type: 'string' },
    'c-env': { type: 'string' },
    sizes: { type: 'string', default: '2,8' },
    rounds: { type: 'string', default: '3' },
    /** window: S, or N:S,…[,S]; a size ≤ 2 not named gets ≥ 20 s (lib/paired.ts windowSeconds) */
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    'per-worker': { type: 'string', default: '4' },
    sample: { type: 'string', default: '8' },
    /** Janus's event_loops (the issue's reference configuration: 2) */
    'janus-event-loops': { type: 'string', default: '2' },
    /** seconds every stream may take to start flowing after the last join (default 15 + N) */
    'flow-seconds': { type: 'string' },
    out: { type: 'string', default: 'compare' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

interface Arm {
  label: string;
  /** a Moim build; undefined for Janus */
  root: string | undefined;
  sfu: 'moim' | 'janus';
  env: Record<string, string> | undefined;
}

function envSpec(spec: string | undefined): Record<string, string> | undefined {
  if (!spec) return undefined;
  return Object.fromEntries(
    spec.split(',').map((kv) => {
      const at = kv.indexOf('=');
      if (at <= 0) throw new Error(`--a-env/--b-env/--c-env take K=V[,K=V], not ${kv}`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
}

function arm(spec: string | undefined, name: 'a' | 'b' | 'c'): Arm {
  const env = envSpec(values[`${name}-env`]);
  if (spec === 'janus') return { label: 'janus', root: undefined, sfu: 'janus', env };
  const at = spec?.indexOf('=') ?? -1;
  if (!spec || at <= 0) throw new Error(`--${name} label=/path/to/build (or janus) is required`);
  // `label=` with no path: this checkout's media-server/main.ts under tsx.
  return { label: spec.slice(0, at), root: spec.slice(at + 1) || undefined, sfu: 'moim', env };
}

const med = (xs: number[]): number => (xs.length > 0 ? median(xs) : Number.NaN);
const f = (v: number): string => (Number.isFinite(v) ? String(v) : '–');

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const arms: Arm[] = [arm(values.a, 'a'), arm(values.b, 'b')];
  if (values.c) arms.push(arm(values.c, 'c'));
  const sizes = (values.sizes ?? '')
    .split(',')
    .map(Number)
    .filter((n) => n >= 2);
  const rounds = Math.max(1, Number(values.rounds));
  const windows = windowSeconds(values.seconds ?? '8', sizes);
  const janus = arms.some((a) => a.sfu === 'janus')
    ? {
        bin: ensureJanus((l) => console.log(l)),
        iceInterface: addJanusInterface(),
        eventLoops: Number(values['janus-event-loops']),
      }
    : undefined;
  const started = new Date();
  const loadAtStart = loadAverage();
  const results = new Map<string, RoomResult[]>();
  for (let r = 0; r < rounds; r++) {
    for (const size of sizes) {
      // Rotate which build goes first, so none always runs right after the same other one.
      const order = arms.map((_, i) => arms[(i + r) % arms.length] as Arm);
      for (const a of order) {
        const res = await runRoom({
          size,
          seconds: windows.get(size) ?? 8,
          warmupSeconds: Number(values.warmup),
          perWorker: Number(values['per-worker']),
          sampleEvery: Number(values.sample),
          root: a.root,
          mediaEnv: a.env,
          sfu: a.sfu,
          janus,
          flowSeconds: values['flow-seconds'] ? Number(values['flow-seconds']) : undefined,
        });
        console.log(
          `round ${r + 1} N=${size} ${a.label}: ` +
            (res.ok
              ? `${res.packetsPerCpuSecond} pkts/CPU-s (${res.mediaCpuPerSecond} CPU-s/s; ticks ${res.packetsPerCpuSecondTicks} pkts/CPU-s, ${res.mediaCpuTicksPerSecond} CPU-s/s; loss ${res.lossPercent}%, delay p50 ${res.latency.p50} ms, fwd threads ${res.forwardingThreadsCpuPerSecond} CPU-s/s, RSS ${res.mediaRssMB} MB, load gen ${res.loadGenCpuPerSecond} CPU-s/s, setup ${res.setupSeconds} s, load ${res.loadAverage1m})`
              : `failed: ${res.failure ?? '?'}`),
        );
        const key = `${a.label}/${size}`;
        results.set(key, [...(results.get(key) ?? []), res]);
        // After every run: a long comparison stopped halfway keeps what it measured.
        writeJson(values.out ?? 'compare', {
          arms,
          started,
          loadAtStart,
          partial: true,
          results: Object.fromEntries(results),
        });
      }
    }
  }
  // Per round, an arm's figure (undefined: that run did not set up), for the paired ratios.
  const perRound = (
    label: string,
    size: number,
    key: 'packetsPerCpuSecond' | 'packetsPerCpuSecondTicks',
  ) => (results.get(`${label}/${size}`) ?? []).map((x) => (x.ok ? x[key] : undefined));
  const paired = (b: Arm, size: number, key: 'packetsPerCpuSecond' | 'packetsPerCpuSecondTicks') =>
    pairedRatios(perRound(A.label, size, key), perRound(b.label, size, key));
  const A = arms[0] as Arm;
  const rows = sizes.map((size) => {
    const cells: unknown[] = [size];
    const ppcs: number[] = [];
    const tickCells: string[] = [];
    for (const a of arms) {
      const runs = results.get(`${a.label}/${size}`) ?? [];
      const ok = runs.filter((x) => x.ok);
      const p = med(ok.map((x) => x.packetsPerCpuSecond));
      ppcs.push(p);
      cells.push(
        `**${f(round(p, 0))}** (${ok.map((x) => x.packetsPerCpuSecond).join(', ') || '–'})`,
        f(round(med(ok.map((x) => x.mediaCpuPerSecond)), 4)),
        f(round(med(ok.map((x) => x.lossPercent)), 3)),
        f(round(med(ok.map((x) => x.latency.p50)), 2)),
        f(round(med(ok.map((x) => x.forwardingThreadsCpuPerSecond)), 3)),
        f(round(med(ok.map((x) => x.mediaRssMB)), 1)),
        `${ok.length}/${runs.length}`,
      );
      tickCells.push(f(round(med(ok.map((x) => x.packetsPerCpuSecondTicks)), 0)));
    }
    for (let i = 1; i < arms.length; i++) {
      cells.push(f(round((ppcs[i] ?? NaN) / (ppcs[0] ?? NaN), 2)));
    }
    for (const b of arms.slice(1)) {
      const r = paired(b, size, 'packetsPerCpuSecond');
      cells.push(`**${f(round(med(r), 2))}** (${r.map((x) => round(x, 2)).join(', ') || '–'})`);
    }
    cells.push(...tickCells);
    for (const b of arms.slice(1))
      cells.push(f(round(med(paired(b, size, 'packetsPerCpuSecondTicks')), 2)));
    cells.push(windows.get(size) ?? '–');
    return cells;
  });
  const headers = [
    'N',
    ...arms.flatMap((a) => [
      `${a.label} pkts/CPU-s (runs)`,
      `${a.label} CPU s/s`,
      `${a.label} loss %`,
      `${a.label} delay p50 ms`,
      `${a.label} threads CPU s/s`,
      `${a.label} RSS MB`,
      `${a.label} set up`,
    ]),
    ...arms.slice(1).map((b) => `${b.label} ÷ ${A.label}`),
    ...arms.slice(1).map((b) => `${b.label} ÷ ${A.label} paired (rounds)`),
    ...arms.map((a) => `${a.label} pkts/CPU-s ticks`),
    ...arms.slice(1).map((b) => `${b.label} ÷ ${A.label} ticks paired`),
    'window s',
  ];
  const loadAtEnd = loadAverage();
  const md = [
    `## Side by side: ${arms.map((a) => a.label).join(' vs ')} (forwarding load)`,
    '',
    machineMarkdown(machineInfo()),
    `- command: \`${commandLine()}\``,
    `- ${arms
      .map((a) =>
        a.sfu === 'moim'
          ? `${a.label}: ${a.root ? `\`${a.root}\` (production bundle)` : 'this checkout under tsx'}${
              a.env
                ? ` with ${Object.entries(a.env)
                    .map(([k, v]) => `\`${k}=${v}\``)
                    .join(' ')}`
                : ''
            }`
          : `${a.label}: Debian's Janus 1.1.2 VideoRoom, \`event_loops = ${janus?.eventLoops ?? '?'}\`, HTTP transport, candidates on \`${JANUS_INTERFACE}\` (a veth inside the namespace: Janus skips loopback interfaces)`,
      )
      .join('; ')}`,
    `- ${rounds} round(s) from ${started.toISOString()}, alternating; load average ${loadAtStart.join(' / ')} at start, ${loadAtEnd.join(' / ')} at end`,
    '',
    table(headers, rows),
    '',
    'Medians of the runs that set up (all N × (N − 1) streams flowing); a run that did not is counted in "set up". Same load as the forwarding table. CPU: the on-CPU time of all the server\'s threads (schedstat, ns); "ticks": the same from `/proc/<pid>/stat` (10 ms ticks), as a cross-check. "÷": the ratio of the medians; "paired": the median of the per-round ratios B_i ÷ A_i (each round runs the arms one after the other, so drift between rounds cancels). Delay: receiver-measured one-way p50 over all streams; threads CPU: what the forwarding threads (`moim-fwd-*`) took of the CPU column (0 when not engaged).',
  ].join('\n');
  const file = writeJson(values.out ?? 'compare', {
    arms,
    started,
    loadAtStart,
    loadAtEnd,
    results: Object.fromEntries(results),
  });
  if (!values['no-markdown']) upsertSection(values.out ?? 'compare', md);
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
