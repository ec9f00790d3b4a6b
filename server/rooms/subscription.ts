import type { KurentoMediaType, MediaPipeline, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import { EndpointSlot } from './endpoint-slot';
import type { EndpointEvents, Publication } from './publication';

interface Wired {
  /** The publication endpoint currently feeding this one (a replaced publication has a new one). */
  from: WebRtcEndpoint | undefined;
  AUDIO: boolean;
  VIDEO: boolean;
}

const kinds = ['AUDIO', 'VIDEO'] as const;

/**
 * A receive endpoint a prejoin made before the click (issue 18): negotiated (its answer is the
 * browser's already, ICE and DTLS may be up) and connected to nothing until a join adopts it.
 */
export interface PreparedEndpoint {
  endpoint: WebRtcEndpoint;
  answer: string;
}

/** What a subscription starts from: the browser's offer, or an endpoint prepared before the join. */
export type SubscriptionOffer = string | PreparedEndpoint;

/**
 * A viewer's incoming WebRtcEndpoint for one publication, fed from the publication's endpoint. What
 * is connected follows the forced mute and the viewer's wish (`video: false` for an off-screen
 * tile); changes are applied one at a time, each against the latest wishes, so racing updates
 * cannot leave the media server in a state nobody asked for.
 */
export class Subscription {
  readonly slot: EndpointSlot;
  readonly #logger: Logger;
  readonly #events: EndpointEvents;
  #wantsVideo = true;
  /** Device pixels the viewer renders this at (reported for bandwidth fitting, `VideoFit`). */
  size: { width: number; height: number } | undefined;
  #wired: Wired = { from: undefined, AUDIO: false, VIDEO: false };
  #queue: Promise<void> = Promise.resolve();

  constructor(publicationId: string, logger: Logger, events: EndpointEvents) {
    this.#logger = logger.child({ publicationId });
    this.#events = events;
    this.slot = new EndpointSlot(publicationId, this.#logger);
  }

  get publicationId(): string {
    return this.slot.publicationId;
  }

  get closed(): boolean {
    return this.slot.closed;
  }

  get endpoint(): WebRtcEndpoint | undefined {
    return this.slot.endpoint;
  }

  get wantsVideo(): boolean {
    return this.#wantsVideo;
  }

  set wantsVideo(wanted: boolean) {
    this.#wantsVideo = wanted;
  }

  /**
   * Creates my endpoint (or takes the prepared one), feeds it from `source` and answers my offer
   * (after `beginNegotiation`); a prepared endpoint was answered before.
   */
  async open(
    source: Publication,
    pipeline: MediaPipeline,
    offer: SubscriptionOffer,
  ): Promise<string> {
    const endpoint =
      typeof offer === 'string' ? await pipeline.createWebRtcEndpoint() : offer.endpoint;
    if (this.slot.closed) {
      await endpoint.release();
      throw new Error('subscription closed');
    }
    this.slot.attach(endpoint);
    endpoint.onIceCandidate((candidate) => {
      if (!this.slot.closed) this.#events.candidate(this.publicationId, candidate);
    });
    endpoint.onError((error) => {
      this.#logger.warn({ error }, 'subscription | media error');
      if (!this.slot.closed) this.#events.mediaError(this.publicationId, error.type);
    });
    // Fed before the offer is answered, not at the same time: the media server refuses an offer
    // whose codecs the connected source does not send (INVALID_SDP, nothing kept). Sent together
    // (tried for issue 18), the offer could be answered first and the viewer got no media instead.
    await this.sync(source);
    if (this.slot.closed) throw new Error('subscription closed');
    return typeof offer === 'string'
      ? this.slot.negotiate(offer)
      : this.slot.negotiated(offer.answer);
  }

  /** Makes the media server's connections match the forced mute and my wishes. */
  sync(source: Publication): Promise<void> {
    const step = this.#queue.then(() => this.#apply(source));
    // The queue goes on after a failure; the caller sees it.
    this.#queue = step.catch(() => undefined);
    return step;
  }

  async #apply(source: Publication): Promise<void> {
    const sink = this.slot.endpoint;
    const from = source.endpoint;
    if (!sink || !from || this.slot.closed || source.closed) return;
    if (this.#wired.from !== from) this.#wired = { from, AUDIO: false, VIDEO: false };
    const forced = source.forced;
    const want: Record<(typeof kinds)[number], boolean> = {
      AUDIO: !forced.audio,
      VIDEO: !forced.video && this.#wantsVideo,
    };
    if (want.AUDIO && want.VIDEO && !this.#wired.AUDIO && !this.#wired.VIDEO) {
      // The common case in one call: everything (Kurento's connect without a media type).
      await from.connect(sink);
      this.#wired = { from, AUDIO: true, VIDEO: true };
      return;
    }
    for (const kind of kinds) {
      if (want[kind] === this.#wired[kind]) continue;
      await (want[kind]
        ? from.connect(sink, kind)
        : from.disconnect(sink, kind as KurentoMediaType));
      this.#wired[kind] = want[kind];
    }
  }

  /** Idempotent: releases my endpoint (which disconnects it from the publication). */
  close(): Promise<void> {
    return this.slot.close();
  }
}
