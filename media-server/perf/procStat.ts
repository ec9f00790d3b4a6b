/**
 * CPU time of a process from /proc, split into its main thread (JavaScript, the event loop) and
 * the rest (V8's compiler and GC helper threads, libuv's pool): at a low packet rate the question
 * is whether the media server's CPU goes into forwarding or into V8 optimising and collecting.
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

function switches(pid: number): { voluntary: number; involuntary: number } {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // the thread exited meanwhile
    }
  }
  return { voluntary, involuntary };
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
  const sw = switches(pid);
  return {
    main,
    others: total - main,
    user: all.user,
    system: all.system,
    minorFaults: all.minflt,
    voluntarySwitches: sw.voluntary,
    involuntarySwitches: sw.involuntary,
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
