/**
 * Who the speaker layout shows large. Speaking flags flicker with every pause for breath, so the
 * active speaker changes only when someone else has been speaking for `switchAfterMs`, and the
 * current one keeps the stage while nobody else does, even when quiet. A run of speech survives
 * gaps up to `gapMs` (one level poll below the threshold between words): without that, a speaker
 * whose level dips once a second never holds a run long enough to take the stage.
 */
export class ActiveSpeaker {
  #current: string | null = null;
  /** Each candidate's run of speech: since when, and when last heard. */
  readonly #runs = new Map<string, { since: number; heard: number }>();

  constructor(
    private readonly switchAfterMs = 1200,
    private readonly gapMs = 700,
  ) {}

  get current(): string | null {
    return this.#current;
  }

  /** Feeds who speaks now (remote participants only); returns the active speaker. */
  update(speaking: Iterable<string>, present: Iterable<string>, now: number): string | null {
    const here = new Set(present);
    for (const id of speaking) {
      const run = this.#runs.get(id);
      if (run && now - run.heard <= this.gapMs) run.heard = now;
      else this.#runs.set(id, { since: now, heard: now });
    }
    for (const [id, run] of [...this.#runs]) {
      if (now - run.heard > this.gapMs || !here.has(id)) this.#runs.delete(id);
    }
    if (this.#current !== null && !here.has(this.#current)) this.#current = null;
    let best: { id: string; since: number } | null = null;
    for (const [id, { since }] of this.#runs) {
      if (id === this.#current) continue;
      if (now - since < this.switchAfterMs && this.#current !== null) continue;
      if (!best || since < best.since) best = { id, since };
    }
    if (best) this.#current = best.id;
    return this.#current;
  }
}
