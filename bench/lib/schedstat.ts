/**
 * Exact CPU time of another process, in nanoseconds: the scheduler's sum_exec_runtime of each of
 * its threads (`/proc/<pid>/task/<tid>/schedstat`, field 1). `/proc/<pid>/stat`'s utime + stime
 * come in 10 ms clock ticks: at N = 2 a media server uses ~0.015 CPU-s/s, ~9 ticks in a 6 s
 * window, so one tick is ±11 % of the number compared. The same meter reads Janus and Moim.
 *
 * `/proc/<pid>/schedstat` alone is the main thread's, not the process's: every thread is read.
 * A thread that exits during a window takes its counter with it, so a meter polls the threads
 * while the window runs and counts an exited thread's runtime up to its last poll (what it ran
 * between that poll and its exit is lost: at most one poll interval of one thread, and counted
 * as `exited` so a run that lost some says so).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadRuntime {
  /** on-CPU nanoseconds since the thread started */
  ns: number;
  /** nanoseconds it waited runnable for a CPU (schedstat field 2), and times it was put on one */
  waitNs: number;
  slices: number;
  /** the thread's name (comm), e.g. `moim-fwd-0` */
  name: string;
}

/** Each live thread's runtime so far, by thread id (empty when the process is gone). */
export function threadRuntimes(pid: number): Map<number, ThreadRuntime> {
  const out = new Map<number, ThreadRuntime>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const [ns = NaN, waitNs = NaN, slices = NaN] = readFileSync(
        `/proc/${pid}/task/${tid}/schedstat`,
        'utf8',
      )
        .split(' ')
        .map(Number);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      if (Number.isFinite(ns)) out.set(Number(tid), { ns, waitNs, slices, name });
    } catch {
      // the thread exited between the listing and the read: the poll before counted it
    }
  }
  return out;
}

export interface MeteredCpu {
  /** on-CPU seconds of all threads over the window */
  seconds: number;
  /** of which threads whose name starts with the given prefix (the forwarding threads) */
  prefixSeconds: number;
  /**
   * Mean wait for a CPU per timeslice, µs, of the prefix threads and of the main thread (the JS
   * thread): how long a woken thread stood in the run queue (an oversubscribed machine).
   */
  prefixWaitUsPerSlice: number;
  mainWaitUsPerSlice: number;
  /** threads that ran during the window and had exited by its end */
  exited: number;
  /** threads seen (alive at some poll) */
  threads: number;
}

/**
 * A process's on-CPU time from `start()` to `stop()`, polled every `pollMs` so threads that
 * exit in between are counted up to their last poll. A thread born during the window counts
 * from zero (it ran nothing before it existed).
 */
export class CpuMeter {
  readonly #pid: number;
  readonly #prefix: string;
  readonly #start = new Map<number, ThreadRuntime>();
  readonly #last = new Map<number, ThreadRuntime>();
  #timer: NodeJS.Timeout | undefined;

  constructor(pid: number, options: { prefix?: string } = {}) {
    this.#pid = pid;
    this.#prefix = options.prefix ?? '\0';
  }

  start(pollMs = 250): void {
    for (const [tid, t] of threadRuntimes(this.#pid)) {
      this.#start.set(tid, t);
      this.#last.set(tid, t);
    }
    this.#timer = setInterval(() => this.poll(), pollMs);
    this.#timer.unref();
  }

  /** Reads every thread now (the timer does this every pollMs); returns the live thread ids. */
  poll(): Set<number> {
    const now = threadRuntimes(this.#pid);
    for (const [tid, t] of now) this.#last.set(tid, t);
    return new Set(now.keys());
  }

  stop(): MeteredCpu {
    clearInterval(this.#timer);
    const alive = this.poll();
    let ns = 0;
    let prefixNs = 0;
    let exited = 0;
    const prefix = { waitNs: 0, slices: 0 };
    const main = { waitNs: 0, slices: 0 };
    for (const [tid, t] of this.#last) {
      const s = this.#start.get(tid);
      const ran = t.ns - (s?.ns ?? 0);
      ns += ran;
      const waits = tid === this.#pid ? main : t.name.startsWith(this.#prefix) ? prefix : undefined;
      if (t.name.startsWith(this.#prefix)) prefixNs += ran;
      if (waits) {
        waits.waitNs += t.waitNs - (s?.waitNs ?? 0);
        waits.slices += t.slices - (s?.slices ?? 0);
      }
      if (!alive.has(tid) && ran > 0) exited++;
    }
    const perSlice = (w: { waitNs: number; slices: number }): number =>
      w.slices > 0 ? w.waitNs / w.slices / 1e3 : 0;
    return {
      seconds: ns / 1e9,
      prefixSeconds: prefixNs / 1e9,
      prefixWaitUsPerSlice: perSlice(prefix),
      mainWaitUsPerSlice: perSlice(main),
      exited,
      threads: this.#last.size,
    };
  }
}
