import { BEAT_MS, beat } from './beat';

interface Entry {
  /** when it is due, on the beat's clock (Date.now() ms) */
  next: number;
  /** Does the periodic work; false: the owner is gone, forget it. */
  run: () => boolean;
}

/**
 * The periodic per-connection jobs of the process (RTCP reports), on the process's one beat
 * (beat.ts) instead of a timer, promise and abort listener per job and period. A job runs every
 * 0.5–1.5 s (RFC 3550 §6.2 randomises report intervals; this is werift's range) until its `run`
 * says its owner is gone. A job runs at the beat nearest its drawn time, so its intervals are
 * whole beats from 500 to 1500 ms. The clock is on the beat only while some job is registered:
 * an idle media server has no timer, and it does not keep the process alive.
 */
export class ReportClock {
  readonly #entries = new Map<object, Entry>();
  readonly #onBeat = (): number => {
    this.tick(Date.now());
    return this.#entries.size > 0 ? 1 : 0;
  };

  constructor(
    private readonly minMs = 500,
    private readonly spreadMs = 1000,
  ) {}

  /** Runs `run` for `owner` from one period from now (replacing an earlier job of `owner`). */
  add(owner: object, run: () => boolean): void {
    this.#entries.set(owner, { next: Date.now() + this.#period(), run });
    if (!beat.has(this)) beat.add(this, 1, this.#onBeat);
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
    return beat.has(this);
  }

  /**
   * Runs every job due at `now` (Date.now() ms; public for tests that drive the clock by hand):
   * due at the nearest beat, that is by half a beat from now.
   */
  tick(now: number): void {
    for (const [owner, e] of this.#entries) {
      if (e.next > now + BEAT_MS / 2) continue;
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
    if (this.#entries.size === 0) beat.delete(this);
  }
}
