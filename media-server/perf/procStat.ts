/**
 * CPU time of a process from /proc, split into its main thread (JavaScript, the event loop) and
 * the rest (V8's compiler and GC helper threads, libuv's pool): at a low packet rate the question
 * is whether the media server's CPU goes into forwarding or into V8 optimising and collecting.
 *
 * Two clocks: utime/stime (what bench:compare reports) are sampled at the scheduler tick (this
 * kernel: CONFIG_TICK_CPU_ACCOUNTING, HZ = 250), so a process that runs in bursts of tens of µs
 * is charged whole 4 ms ticks by chance, ±8 % over an 8 s window at N = 2; schedstat's on-CPU
 * time is the scheduler's exact runtime sum, and its count of timeslices is how often the
 * process was put on a CPU (≈ its wake-ups).
 */
import fs from 'node:fs';

/** USER_HZ: what /proc counts CPU time in. */
const TICKS = 100;

export interface CpuSplit {
  /** seconds of user + system time */
  main: number;
  others: number;
  user: number;
  system: number;
  /** Minor page faults and context switches (all threads): each costs a trip through the
   * hypervisor on a nested VM, where they can outweigh the work itself. */
  minorFaults: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  /** exact on-CPU seconds (schedstat), all threads alive now / the main thread */
  runSeconds: number;
  mainRunSeconds: number;
  /** times a thread of the process was put on a CPU */
  timeslices: number;
}

function statTimes(file: string): { user: number; system: number; minflt: number } {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is proc(5)'s field 3 (state): minflt = 10, utime = 14, stime = 15.
  return {
    user: Number(fields[11]) / TICKS,
    system: Number(fields[12]) / TICKS,
    minflt: Number(fields[7]),
  };
}

interface TaskTotals {
  voluntary: number;
  involuntary: number;
  runNs: number;
  mainRunNs: number;
  slices: number;
}

function tasks(pid: number): TaskTotals {
  const t: TaskTotals = { voluntary: 0, involuntary: 0, runNs: 0, mainRunNs: 0, slices: 0 };
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      t.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      t.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const [run = 0, , slices = 0] = fs
        .readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
        .trim()
        .split(' ')
        .map(Number);
      t.runNs += run;
      t.slices += slices;
      if (tid === String(pid)) t.mainRunNs = run;
    } catch {
      // the thread exited meanwhile
    }
  }
  return t;
}

/** The process's counters so far; threads that already exited count in `others` via the total. */
export function cpuSplit(pid: number): CpuSplit {
  const all = statTimes(`/proc/${pid}/stat`);
  let main = 0;
  try {
    const m = statTimes(`/proc/${pid}/task/${pid}/stat`);
    main = m.user + m.system;
  } catch {
    // the process is gone
  }
  const total = all.user + all.system;
  const t = tasks(pid);
  return {
    main,
    others: total - main,
    user: all.user,
    system: all.system,
    minorFaults: all.minflt,
    voluntarySwitches: t.voluntary,
    involuntarySwitches: t.involuntary,
    runSeconds: t.runNs / 1e9,
    mainRunSeconds: t.mainRunNs / 1e9,
    timeslices: t.slices,
  };
}

export function minus(a: CpuSplit, b: CpuSplit): CpuSplit {
  return {
    main: a.main - b.main,
    others: a.others - b.others,
    user: a.user - b.user,
    system: a.system - b.system,
    minorFaults: a.minorFaults - b.minorFaults,
    voluntarySwitches: a.voluntarySwitches - b.voluntarySwitches,
    involuntarySwitches: a.involuntarySwitches - b.involuntarySwitches,
    runSeconds: a.runSeconds - b.runSeconds,
    mainRunSeconds: a.mainRunSeconds - b.mainRunSeconds,
    timeslices: a.timeslices - b.timeslices,
  };
}

function statusMb(pid: number, field: string): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN; // the process is gone
  }
}

export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

/** RSS by kind: anonymous (heaps, malloc) and file-backed (node's own binary and libraries). */
export function rssParts(pid: number): { anonMb: number; fileMb: number } {
  return { anonMb: statusMb(pid, 'RssAnon'), fileMb: statusMb(pid, 'RssFile') };
}
