import type { JoinRoomResult, QualityJoinFields } from '../../protocol';

/**
 * The membership to resume after a loss: my last participant id and its resume token. The next
 * join presents them, so the server drops the old membership at once instead of showing me twice
 * until my dead socket times out.
 */
export class Membership {
  #last: { participantId: string; token: string } | null = null;

  joinFields(): QualityJoinFields {
    return this.#last ? { resume: this.#last } : {};
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
