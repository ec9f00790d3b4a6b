/**
 * Who the speaker layout shows large. Speaking flags flicker with every pause for breath, so the
 * active speaker changes only when someone else has been speaking for `switchAfterMs` without a
 * break (and the current one keeps the stage while nobody else does, even when quiet).
 */
export class ActiveSpeaker {
  #current: string | null = null;
  /** Since when each candidate has been speaking without a break. */
  readonly #since = new Map<string, number>();

  constructor(private readonly switchAfterMs = 1200) {}

  get current(): string | null {
    return this.#current;
  }

  /** Feeds who speaks now (remote participants only); returns the active speaker. */
  update(speaking: Iterable<string>, present: Iterable<string>, now: number): string | null {
    const live = new Set(speaking);
    const here = new Set(present);
    for (const id of [...this.#since.keys()]) if (!live.has(id)) this.#since.delete(id);
    for (const id of live) if (!this.#since.has(id)) this.#since.set(id, now);
    if (this.#current !== null && !here.has(this.#current)) this.#current = null;
    let best: { id: string; since: number } | null = null;
    for (const [id, since] of this.#since) {
      if (id === this.#current || !here.has(id)) continue;
      if (now - since < this.switchAfterMs && this.#current !== null) continue;
      if (!best || since < best.since) best = { id, since };
    }
    if (best) this.#current = best.id;
    return this.#current;
  }
}
