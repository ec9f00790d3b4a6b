import type { KurentoIceCandidate, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import type { PreparedEndpoint } from './subscription';

/** At most this many receive endpoints per prejoin (the browser prepares no more). */
export const maxPreparedReceivers = 8;

interface Prepared {
  endpoint: WebRtcEndpoint;
  answer: string;
}

/**
 * The receive endpoints one prejoin socket prepared before its click (issue 18): made in the
 * room's pipeline and negotiated with the browser's recvonly offers, so that ICE and DTLS are done
 * before the person joins, but **connected to nothing**: no publication feeds them, no participant
 * owns them, nobody in the room can tell they exist. The join adopts them (each becomes a
 * subscription, fed from then on); whatever it does not adopt, and everything when the prejoin is
 * abandoned (socket closed, time to live over, a refused or waiting join), is released.
 */
export class PreparedReceivers {
  readonly #logger: Logger;
  readonly #candidate: (index: number, candidate: KurentoIceCandidate) => void;
  /** By the index the browser knows them by (the order of its offers); a failed one is a hole. */
  #prepared: (Prepared | undefined)[] = [];
  #roomId: string | undefined;
  /** Creations under way: counted against the cap, and released if dropped meanwhile. */
  #pending = 0;
  #generation = 0;
  /** Made and not yet adopted or released: their candidates go to the prejoin. */
  readonly #owned = new Set<WebRtcEndpoint>();
  #expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(logger: Logger, candidate: (index: number, candidate: KurentoIceCandidate) => void) {
    this.#logger = logger;
    this.#candidate = candidate;
  }

  get count(): number {
    return this.#prepared.filter((p) => p !== undefined).length + this.#pending;
  }

  /** How many more this prejoin may prepare for `roomId` (another room starts over). */
  capacityFor(roomId: string): number {
    if (this.#roomId !== roomId) void this.release();
    this.#roomId = roomId;
    return Math.max(0, maxPreparedReceivers - this.#prepared.length - this.#pending);
  }

  /**
   * One endpoint per offer in `pipeline`, answered; each answer by the index the browser will
   * know it by (an empty string for one that failed). Released after `ttlMs` unless adopted.
   */
  async add(
    pipeline: { createWebRtcEndpoint(): Promise<WebRtcEndpoint> },
    offers: readonly string[],
    ttlMs: number,
  ): Promise<{ index: number; answer: string }[]> {
    const generation = this.#generation;
    const first = this.#prepared.length + this.#pending;
    this.#pending += offers.length;
    clearTimeout(this.#expiry);
    this.#expiry = setTimeout(() => void this.release(), ttlMs);
    const made = await Promise.all(
      offers.map((offer, i) => this.#prepare(pipeline, offer, first + i, generation)),
    );
    this.#pending -= offers.length;
    if (generation !== this.#generation) {
      await Promise.all(made.map((p) => p?.endpoint.release()));
      return [];
    }
    for (const [i, p] of made.entries()) this.#prepared[first + i] = p;
    return made.map((p, i) => ({ index: first + i, answer: p?.answer ?? '' }));
  }

  /**
   * The join adopts them: each still alive, by its index, is the caller's now (it releases them).
   * Only for the room they were made in; none after that.
   */
  take(roomId: string): { index: number; prepared: PreparedEndpoint }[] {
    if (roomId !== this.#roomId) return [];
    const taken = this.#prepared.flatMap((p, index) =>
      p && !p.endpoint.released ? [{ index, prepared: p }] : [],
    );
    this.#forget();
    return taken;
  }

  /** Idempotent: everything prepared (and everything still being made) goes. */
  async release(): Promise<void> {
    const prepared = this.#prepared;
    this.#forget();
    await Promise.all(prepared.map((p) => p?.endpoint.release()));
  }

  #forget(): void {
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
    this.#generation += 1;
    this.#prepared = [];
    this.#owned.clear();
    this.#roomId = undefined;
  }

  async #prepare(
    pipeline: { createWebRtcEndpoint(): Promise<WebRtcEndpoint> },
    offer: string,
    index: number,
    generation: number,
  ): Promise<Prepared | undefined> {
    let endpoint: WebRtcEndpoint | undefined;
    try {
      endpoint = await pipeline.createWebRtcEndpoint();
      const owned = endpoint;
      if (generation !== this.#generation) return { endpoint: owned, answer: '' };
      this.#owned.add(owned);
      // Until adopted, its candidates go to the prejoin (the join's subscription listens after).
      owned.onIceCandidate((candidate) => {
        if (this.#owned.has(owned)) this.#candidate(index, candidate);
      });
      // Nothing is connected to it: the answer takes the browser's first codecs (VP8, Opus).
      const answer = await owned.processOffer(offer);
      await owned.gatherCandidates();
      return { endpoint: owned, answer };
    } catch (error) {
      this.#logger.debug({ err: error }, 'prejoin | a receive endpoint could not be prepared');
      await endpoint?.release();
      return undefined;
    }
  }
}
