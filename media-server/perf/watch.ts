/**
 * Watches running processes (an SFU under a benchmark, e.g. bench:compare's media server or
 * Janus) and prints, every interval, what each used per second: exact on-CPU time (all threads,
 * main thread), tick-sampled user/system time, timeslices and minor page faults (procStat.ts). Processes are found by a
 * regular expression over their command line, and picked up when they appear.
 *
 *   npx tsx media-server/perf/watch.ts --match 'media-server\.js|janus' --every 10
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { CpuSplit } from './procStat';
import { cpuSplit, minus, rssMb } from './procStat';

const { values } = parseArgs({
  options: {
    match: { type: 'string', default: 'media-server' },
    every: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3600' },
  },
});

const pattern = new RegExp(values.match ?? 'media-server');
const everyMs = Number(values.every) * 1000;

function matching(): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (pattern.test(cmd) && !cmd.includes('perf/watch.ts')) out.set(pid, cmd.slice(0, 80));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const last = new Map<number, { at: number; split: CpuSplit }>();

function sample(): void {
  const now = performance.now();
  for (const [pid, cmd] of matching()) {
    let split: CpuSplit;
    try {
      split = cpuSplit(pid);
    } catch {
      continue;
    }
    const prev = last.get(pid);
    last.set(pid, { at: now, split });
    if (!prev) continue;
    const s = (now - prev.at) / 1000;
    const d = minus(split, prev.split);
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const f = (x: number) => (x / s).toFixed(3);
    process.stdout.write(
      `${new Date().toISOString().slice(11, 19)} pid ${pid} run ${f(d.runSeconds)}` +
        ` (main ${f(d.mainRunSeconds)}) ticks ${f(d.user + d.system)} (user ${f(d.user)},` +
        ` sys ${f(d.system)}) slices/s ${Math.round(d.timeslices / s)}` +
        ` faults/s ${Math.round(d.minorFaults / s)} rss ${rssMb(pid).toFixed(1)} MB` +
        ` load ${load} | ${cmd}\n`,
    );
  }
}

sample();
const timer = setInterval(sample, everyMs);
setTimeout(() => clearInterval(timer), Number(values.seconds) * 1000);
