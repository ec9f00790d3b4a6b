import type { RaisedHand } from '../../lib/protocol';

/** Raised hands, first raised first. Raising twice keeps one's place; lowering leaves the queue. */
export class HandQueue {
  /** Insertion order is the queue order (a Map iterates in insertion order). */
  readonly #hands = new Map<string, number>();

  /** True when the queue changed. */
  raise(participantId: string, at: number): boolean {
    if (this.#hands.has(participantId)) return false;
    this.#hands.set(participantId, at);
    return true;
  }

  /** True when the queue changed. */
  lower(participantId: string): boolean {
    return this.#hands.delete(participantId);
  }

  snapshot(): RaisedHand[] {
    return [...this.#hands].map(([participantId, raisedAt]) => ({ participantId, raisedAt }));
  }

  close(): void {
    this.#hands.clear();
  }
}
