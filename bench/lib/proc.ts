/** Process and machine counters read from /proc (Linux only). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clkTck: number | undefined;
let pageSize: number | undefined;

function sysconf(name: string, fallback: number): number {
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

/** The kernel's clock ticks per second, in which /proc reports CPU time (read once). */
export function clockTicksPerSecond(): number {
  clkTck ??= sysconf('CLK_TCK', 100);
  return clkTck;
}

export interface ProcSample {
  /** user + system CPU seconds consumed so far */
  cpuSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  rssBytes: number;
  /** monotonic time of the sample, seconds */
  at: number;
}

/** Reads utime/stime/rss of one process; undefined when it is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  const ticks = clockTicksPerSecond();
  pageSize ??= sysconf('PAGESIZE', 4096);
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5); utime = 14, stime = 15, rss = 24.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  const rss = Number(fields[24 - 3]);
  return {
    userSeconds: utime / ticks,
    systemSeconds: stime / ticks,
    cpuSeconds: (utime + stime) / ticks,
    rssBytes: rss * pageSize,
    at: Number(process.hrtime.bigint()) / 1e9,
  };
}

export interface CpuRate {
  cpuPerSecond: number;
  userPerSecond: number;
  systemPerSecond: number;
  seconds: number;
}

export function cpuRate(a: ProcSample, b: ProcSample): CpuRate {
  const seconds = b.at - a.at;
  return {
    seconds,
    cpuPerSecond: (b.cpuSeconds - a.cpuSeconds) / seconds,
    userPerSecond: (b.userSeconds - a.userSeconds) / seconds,
    systemPerSecond: (b.systemSeconds - a.systemSeconds) / seconds,
  };
}

/** Direct children of a process (all threads), from /proc/<pid>/task/<tid>/children. */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const p of text.split(/\s+/)) if (p) out.add(Number(p));
    } catch {
      // thread exited
    }
  }
  return [...out];
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Machine-wide busy/total jiffies from /proc/stat, to report how loaded the whole box was. */
export interface MachineCpuSample {
  busy: number;
  total: number;
}

export function sampleMachineCpu(): MachineCpuSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const nums = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (nums[3] ?? 0) + (nums[4] ?? 0);
  const total = nums.reduce((s, v) => s + v, 0);
  return { busy: total - idle, total };
}

/** Fraction (0..1) of all cores busy between two samples. */
export function machineBusy(a: MachineCpuSample, b: MachineCpuSample): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : Number.NaN;
}

/** UDP datagram counters of the current network namespace (/proc/net/snmp). */
export function udpCounters(): { inDatagrams: number; outDatagrams: number; rcvbufErrors: number } {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/).map(Number);
  const get = (n: string): number => values[names.indexOf(n)] ?? Number.NaN;
  return {
    inDatagrams: get('InDatagrams'),
    outDatagrams: get('OutDatagrams'),
    rcvbufErrors: get('RcvbufErrors'),
  };
}
