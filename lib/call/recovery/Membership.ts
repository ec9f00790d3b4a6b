import type { JoinRoomResult, QualityJoinFields } from '../../protocol';

/**
 * The membership to resume after a loss: my last participant id and its resume token. The next
 * join presents them, so the server drops the old membership at once instead of showing me twice
 * until my dead socket times out.
 */
export class Membership {
  #last: { participantId: string; token: string } | null = null;

  /** `keep`: my connections were kept through the loss, so the server may keep my endpoints. */
  joinFields(keep = false): QualityJoinFields {
    if (!this.#last) return {};
    return { resume: keep ? { ...this.#last, keep } : this.#last };
  }

  /** A membership to resume exists (a loss can keep its connections for it). */
  get resumable(): boolean {
    return this.#last !== null;
  }

  joined(result: JoinRoomResult): void {
    this.#last = result.resumeToken
      ? { participantId: result.selfId, token: result.resumeToken }
      : null;
  }

  forget(): void {
    this.#last = null;
  }
}
