/** How often the clock looks for due work; a report is at most this late. */
const TICK_MS = 100;

interface Entry {
  next: number;
  /** Does the periodic work; false: the owner is gone, forget it. */
  run: () => boolean;
}

/**
 * One timer for every periodic per-connection job of the process (RTCP reports today), instead
 * of one timer, promise and abort listener per job and period. A job runs every 0.5–1.5 s (RFC
 * 3550 §6.2 randomises report intervals; this is werift's range) until its `run` says its owner
 * is gone. The interval is the clock's own: it runs only while some job is registered, so an
 * idle media server has no timer, and it does not keep the process alive.
 */
export class ReportClock {
  readonly #entries = new Map<object, Entry>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly minMs = 500,
    private readonly spreadMs = 1000,
    private readonly tickMs = TICK_MS,
  ) {}

  /** Runs `run` for `owner` from one period from now (replacing an earlier job of `owner`). */
  add(owner: object, run: () => boolean): void {
    this.#entries.set(owner, { next: performance.now() + this.#period(), run });
    if (!this.#timer) {
      this.#timer = setInterval(() => this.tick(performance.now()), this.tickMs);
      this.#timer.unref();
    }
  }

  delete(owner: object): void {
    this.#entries.delete(owner);
    this.#stopIfIdle();
  }

  has(owner: object): boolean {
    return this.#entries.has(owner);
  }

  /** Jobs registered now (for leak checks). */
  get size(): number {
    return this.#entries.size;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Runs every job that is due at `now` (public for tests that drive the clock by hand). */
  tick(now: number): void {
    for (const [owner, e] of this.#entries) {
      if (e.next > now) continue;
      let keep = false;
      try {
        keep = e.run();
      } catch {
        // A failing report is lost like a dropped packet; its owner's next one may work.
        keep = true;
      }
      if (keep) e.next = now + this.#period();
      else this.#entries.delete(owner);
    }
    this.#stopIfIdle();
  }

  #period(): number {
    return this.minMs + Math.random() * this.spreadMs;
  }

  #stopIfIdle(): void {
    if (this.#entries.size > 0 || !this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
