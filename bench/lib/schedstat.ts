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
      const first = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ', 1)[0];
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(first);
      if (Number.isFinite(ns)) out.set(Number(tid), { ns, name });
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
  readonly #startNs = new Map<number, number>();
  readonly #last = new Map<number, ThreadRuntime>();
  #timer: NodeJS.Timeout | undefined;

  constructor(pid: number, options: { prefix?: string } = {}) {
    this.#pid = pid;
    this.#prefix = options.prefix ?? '\0';
  }

  start(pollMs = 250): void {
    for (const [tid, t] of threadRuntimes(this.#pid)) {
      this.#startNs.set(tid, t.ns);
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
    for (const [tid, t] of this.#last) {
      const ran = t.ns - (this.#startNs.get(tid) ?? 0);
      ns += ran;
      if (t.name.startsWith(this.#prefix)) prefixNs += ran;
      if (!alive.has(tid) && ran > 0) exited++;
    }
    return { seconds: ns / 1e9, prefixSeconds: prefixNs / 1e9, exited, threads: this.#last.size };
  }
}
