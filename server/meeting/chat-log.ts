import type { ChatMessage } from '../../lib/protocol';

/**
 * A room's public messages, the last `capacity` of them, in memory only (nothing is written to
 * disk): a late joiner gets them; they go with the room.
 */
export class ChatLog {
  readonly #capacity: number;
  #messages: ChatMessage[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  append(message: ChatMessage): void {
    this.#messages.push(message);
    // Trim in batches (not one shift per message past the cap): amortised O(1).
    if (this.#messages.length > this.#capacity * 1.25) {
      this.#messages = this.#messages.slice(-this.#capacity);
    }
  }

  /** Oldest first, at most `capacity`; a copy, so later messages do not change it. */
  snapshot(): ChatMessage[] {
    return this.#messages.slice(-this.#capacity);
  }

  get size(): number {
    return Math.min(this.#messages.length, this.#capacity);
  }

  close(): void {
    this.#messages = [];
  }
}
