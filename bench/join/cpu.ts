/**
 * CPU time of process trees, from /proc: the browsers' share of the machine against the server's
 * (the issue asks what the machine was doing during a join run). A tree's time counts every live
 * descendant plus what exited children left in their parents' cutime/cstime, so Chromium renderers
 * that came and went are not lost.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

import { childPids } from '../lib/proc';

const CLK_TCK = 100;

function ownAndReaped(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // proc(5): utime 14, stime 15, cutime 16, cstime 17 (fields[0] is field 3).
    return [14, 15, 16, 17].reduce((sum, n) => sum + Number(f[n - 3] ?? 0), 0) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Pids of `root` and all its descendants. */
function tree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    out.push(pid);
    stack.push(...childPids(pid));
  }
  return out;
}

function treeCpuSeconds(root: number): number {
  return tree(root).reduce((sum, pid) => sum + ownAndReaped(pid), 0);
}

/** The whole machine's busy CPU seconds (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

export interface CpuShare {
  /** CPU-seconds per second of wall time of this tool's Chromium (all pages) */
  browsers: number;
  /** the werift participants already in the room (their load-generator processes), if any */
  present: number;
  /** the app server and the media server it forked */
  server: number;
  /** the whole machine, others' work included, out of `cores` */
  machine: number;
  cores: number;
  seconds: number;
}

/**
 * Starts measuring; the returned function gives the CPU shares since. The servers and the present
 * participants' processes are children of this process too, so the browsers are the rest of this
 * process's tree (without itself).
 */
export function cpuMeter(
  serverPids: readonly number[],
  presentPids: readonly number[] = [],
): () => CpuShare {
  const sum = (pids: readonly number[]) => pids.reduce((s, pid) => s + treeCpuSeconds(pid), 0);
  const read = () => {
    const server = sum(serverPids);
    const present = sum(presentPids);
    const all = treeCpuSeconds(process.pid);
    const self = ownAndReaped(process.pid);
    return {
      at: performance.now(),
      server,
      present,
      browsers: all - server - present - self,
      machine: machineBusySeconds(),
    };
  };
  const start = read();
  return () => {
    const now = read();
    const seconds = (now.at - start.at) / 1000;
    const rate = (k: 'server' | 'present' | 'browsers' | 'machine') =>
      (now[k] - start[k]) / seconds;
    return {
      browsers: rate('browsers'),
      present: rate('present'),
      server: rate('server'),
      machine: rate('machine'),
      cores: os.availableParallelism(),
      seconds,
    };
  };
}
