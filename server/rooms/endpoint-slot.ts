import { ErrorCode } from '../../lib/protocol';
import { AppError } from '../errors';
import type { KurentoIceCandidate, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';

/** Candidates kept per endpoint while it is not negotiated yet; more than this is a misbehaving client. */
export const MAX_QUEUED_CANDIDATES = 64;

type Phase = 'new' | 'negotiating' | 'negotiated' | 'closed';

/**
 * One WebRtcEndpoint's signaling state: its single offer/answer (Kurento cannot renegotiate) and
 * the client's ICE candidates, queued until the offer has been processed (they may arrive before
 * the endpoint even exists).
 */
export class EndpointSlot {
  /** The publication whose media this endpoint carries (sends, or receives for a viewer). */
  readonly publicationId: string;
  readonly #logger: Logger;
  #endpoint: WebRtcEndpoint | undefined;
  #queue: KurentoIceCandidate[] = [];
  #phase: Phase = 'new';

  constructor(publicationId: string, logger: Logger) {
    this.publicationId = publicationId;
    this.#logger = logger;
  }

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** An offer was taken (in flight or answered). */
  get claimed(): boolean {
    return this.#phase === 'negotiating' || this.#phase === 'negotiated';
  }

  get endpoint(): WebRtcEndpoint | undefined {
    return this.#endpoint;
  }

  get queuedCandidates(): number {
    return this.#queue.length;
  }

  /** Claims the slot's one negotiation; a second offer is an error, not a renegotiation. */
  beginNegotiation(): void {
    switch (this.#phase) {
      case 'new': {
        this.#phase = 'negotiating';
        return;
      }
      case 'negotiating':
      case 'negotiated': {
        throw new AppError(
          ErrorCode.AlreadyNegotiated,
          'An offer for this connection was already sent; Kurento connections are negotiated once.',
        );
      }
      case 'closed': {
        throw new AppError(ErrorCode.UnknownPublication, 'This connection was closed.');
      }
    }
  }

  /** The negotiation failed before an answer: allow a new offer. */
  abortNegotiation(): void {
    if (this.#phase === 'negotiating') this.#phase = 'new';
  }

  attach(endpoint: WebRtcEndpoint): void {
    this.#endpoint = endpoint;
  }

  /** `processOffer`, then the queued candidates, then `gatherCandidates` (not awaited by the caller). */
  async negotiate(offer: string): Promise<string> {
    const endpoint = this.#endpoint;
    if (!endpoint) throw new Error('negotiate() before attach()');
    const answer = await endpoint.processOffer(offer);
    if (this.closed) {
      throw new AppError(ErrorCode.UnknownPublication, 'The connection closed during the offer.');
    }
    this.#phase = 'negotiated';
    const queued = this.#queue;
    this.#queue = [];
    for (const candidate of queued) this.#add(endpoint, candidate);
    endpoint.gatherCandidates().catch((error: unknown) => {
      if (!this.closed) this.#logger.warn({ err: error }, 'gatherCandidates() | failed');
    });
    return answer;
  }

  /** Negotiated before it became mine (a prejoin's prepared endpoint): the queue goes in now. */
  negotiated(answer: string): string {
    const endpoint = this.#endpoint;
    if (!endpoint) throw new Error('negotiated() before attach()');
    this.#phase = 'negotiated';
    const queued = this.#queue;
    this.#queue = [];
    for (const candidate of queued) this.#add(endpoint, candidate);
    return answer;
  }

  /** Adds now when negotiated; queues otherwise. Returns false when the queue is full. */
  addCandidate(candidate: KurentoIceCandidate): boolean {
    if (this.#phase === 'closed') return true;
    if (this.#phase === 'negotiated' && this.#endpoint) {
      this.#add(this.#endpoint, candidate);
      return true;
    }
    if (this.#queue.length >= MAX_QUEUED_CANDIDATES) return false;
    this.#queue.push(candidate);
    return true;
  }

  #add(endpoint: WebRtcEndpoint, candidate: KurentoIceCandidate): void {
    // A bad candidate is the client's problem and must not fail anything else; log it.
    endpoint.addIceCandidate(candidate).catch((error: unknown) => {
      if (!this.closed) this.#logger.debug({ err: error }, 'addIceCandidate() | rejected');
    });
  }

  /** Idempotent: drops the queue and releases the endpoint. */
  async close(): Promise<void> {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#queue = [];
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    await endpoint?.release();
  }
}
