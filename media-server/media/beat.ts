/** The grid every periodic job of the process runs on (RTCP reports, route and flow checks). */
export const BEAT_MS = 250;

interface Job {
  /** beat number (Date.now() / BEAT_MS) at which the job runs next */
  due: number;
  /** Does the work; how many beats until it runs again, or 0: the job is done. */
  run: () => number;
}

/**
 * One timer for all the periodic per-connection work of the process. Each job had its own timer
 * (report clock every 100 ms, route silence checks every 250 ms, flow checks every 500 ms), none
 * aligned, so the process woke ~16 times a second at N = 2 besides the media, and a wake-up on
 * this kind of VM costs more than most of the work it does (issue 15). Jobs here run on whole
 * beats of one grid, so those due together share one wake-up, and the timer is armed only for
 * the next beat at which some job is due: a process with no job has no timer.
 *
 * The grid is wall-clock time (Date.now()): fake timers in tests move it, and its steps do not
 * matter (a jump only moves the next beat).
 */
class Beat {
  readonly #jobs = new Map<object, Job>();
  #timer: NodeJS.Timeout | undefined;
  /** The beat the timer is armed for (Infinity: none). */
  #armed = Infinity;

  /** Runs `run` for `owner` `inBeats` beats from now (≥ 1), replacing an earlier job of `owner`. */
  add(owner: object, inBeats: number, run: () => number): void {
    this.#jobs.set(owner, { due: currentBeat() + Math.max(1, Math.round(inBeats)), run });
    this.#arm();
  }

  delete(owner: object): void {
    if (this.#jobs.delete(owner)) this.#arm();
  }

  has(owner: object): boolean {
    return this.#jobs.has(owner);
  }

  #fire(): void {
    this.#timer = undefined;
    // The beat armed for, even if the timer fired a millisecond early (libuv's cached loop time).
    const beat = Math.max(this.#armed, currentBeat());
    this.#armed = Infinity;
    for (const [owner, job] of this.#jobs) {
      if (job.due > beat) continue;
      let next = 0;
      try {
        next = job.run();
      } catch {
        next = 1; // a job that throws is tried again at the next beat, as before
      }
      // A job may have been replaced or deleted while it ran.
      if (this.#jobs.get(owner) !== job) continue;
      if (next > 0) job.due = beat + Math.max(1, Math.round(next));
      else this.#jobs.delete(owner);
    }
    this.#arm();
  }

  #arm(): void {
    let first = Infinity;
    for (const job of this.#jobs.values()) if (job.due < first) first = job.due;
    if (first === Infinity) {
      this.#disarm();
      return;
    }
    if (this.#timer && this.#armed === first) return;
    this.#disarm();
    this.#armed = first;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, first * BEAT_MS - Date.now()));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armed = Infinity;
  }
}

/** The beat now (Date.now() / BEAT_MS, rounded down). */
export function currentBeat(): number {
  return Math.floor(Date.now() / BEAT_MS);
}

/** The process's one beat. */
export const beat = new Beat();

/** A period in whole beats (at least one). */
export function beatsOf(ms: number): number {
  return Math.max(1, Math.round(ms / BEAT_MS));
}
