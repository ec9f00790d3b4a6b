import type { SubscriptionAnswer } from '../protocol';
import { CallRequestError } from './CallError';

interface Waiting {
  resolve(sdp: string): void;
  reject(error: Error): void;
}

/** A receive connection whose offer went with the join, and the answer the server will send. */
export interface OfferedConnection<C> {
  connection: C;
  answer: Promise<string>;
}

/**
 * The receive connections whose offers travelled with `room:join` (issue 18) and that the server
 * took, each for one publication: a subscription to that publication adopts its connection and
 * waits for its `subscription:answer` instead of sending an offer. One join's worth at a time:
 * a new join (or the end of the call) drops what the last one left.
 */
export class PreparedAnswers<C extends { close(): void }> {
  #untaken = new Map<string, OfferedConnection<C>>();
  #waiting = new Map<string, Waiting>();

  /** The join's answer: these connections, by publication id, wait for their answers. */
  expect(connections: ReadonlyMap<string, C>): void {
    this.clear();
    for (const [publicationId, connection] of connections) {
      const answer = new Promise<string>((resolve, reject) => {
        this.#waiting.set(publicationId, { resolve, reject });
      });
      // A connection closed before its answer came must not leave an unhandled rejection.
      answer.catch(() => undefined);
      this.#untaken.set(publicationId, { connection, answer });
    }
  }

  /** The offered connection for this publication, once; undefined when none was offered. */
  take(publicationId: string): OfferedConnection<C> | undefined {
    const offered = this.#untaken.get(publicationId);
    this.#untaken.delete(publicationId);
    return offered;
  }

  /** `subscription:answer`: the answer (or the failure) of one offered connection. */
  settle(answer: SubscriptionAnswer): void {
    const waiting = this.#waiting.get(answer.publicationId);
    if (!waiting) return;
    this.#waiting.delete(answer.publicationId);
    if ('sdp' in answer) waiting.resolve(answer.sdp);
    else waiting.reject(new CallRequestError(answer.error));
  }

  /** Connections nobody took are closed; answers still awaited fail. */
  clear(): void {
    for (const { connection } of this.#untaken.values()) connection.close();
    this.#untaken.clear();
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const { reject } of waiting) reject(new Error('the join this answer belonged to is over'));
  }
}
