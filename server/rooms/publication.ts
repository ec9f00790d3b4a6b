import { ErrorCode } from '../../lib/protocol';
import type { PublicationInfo, PublicationSource } from '../../lib/protocol';
import { AppError } from '../errors';
import type { KurentoIceCandidate, MediaPipeline, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import { EndpointSlot } from './endpoint-slot';

/** What the media server tells about one of the endpoints (outgoing or incoming) of a publication. */
export interface EndpointEvents {
  candidate(publicationId: string, candidate: KurentoIceCandidate): void;
  mediaError(publicationId: string, type: string): void;
}

/** Media a host (or anyone with the power) keeps from reaching the viewers, whatever the owner says. */
export interface ForcedMute {
  audio: boolean;
  video: boolean;
}

export interface PublicationInit {
  id: string;
  participantId: string;
  source: PublicationSource;
  audio: boolean;
  video: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
}

/**
 * One published stream: its outgoing WebRtcEndpoint (one per publication, since Kurento cannot
 * renegotiate), the owner's muted flags and the forced mute. `live` once negotiated and announced;
 * only live publications are visible to others.
 */
export class Publication {
  readonly id: string;
  readonly participantId: string;
  readonly source: PublicationSource;
  readonly audio: boolean;
  readonly video: boolean;
  readonly logger: Logger;
  live = false;
  #audioMuted: boolean;
  #videoMuted: boolean;
  #forced: ForcedMute = { audio: false, video: false };
  #slot: EndpointSlot;
  /** A replacement connection being negotiated (`replace`). */
  #pending: EndpointSlot | undefined;
  readonly #events: EndpointEvents;
  #closed = false;

  constructor(init: PublicationInit, logger: Logger, events: EndpointEvents) {
    this.id = init.id;
    this.participantId = init.participantId;
    this.source = init.source;
    this.audio = init.audio;
    this.video = init.video;
    this.#audioMuted = init.audioMuted;
    this.#videoMuted = init.videoMuted;
    this.logger = logger.child({ publicationId: init.id, source: init.source });
    this.#events = events;
    this.#slot = new EndpointSlot(this.id, this.logger);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What everyone is told: the muted flags are the owner's choice or the forced mute. */
  get info(): PublicationInfo {
    return {
      id: this.id,
      participantId: this.participantId,
      source: this.source,
      audio: this.audio,
      video: this.video,
      audioMuted: this.#audioMuted || this.#forced.audio,
      videoMuted: this.#videoMuted || this.#forced.video,
      ...(this.#forced.audio || this.#forced.video ? { hostMuted: this.forced } : {}),
    };
  }

  get forced(): ForcedMute {
    return { ...this.#forced };
  }

  /** The endpoint that carries this publication now; `undefined` before it exists and once closed. */
  get endpoint(): WebRtcEndpoint | undefined {
    return this.#slot.endpoint;
  }

  /** Returns true when what everyone sees changed. */
  setMuted(flags: { audioMuted?: boolean | undefined; videoMuted?: boolean | undefined }): boolean {
    const before = this.info;
    this.#audioMuted = flags.audioMuted ?? this.#audioMuted;
    this.#videoMuted = flags.videoMuted ?? this.#videoMuted;
    return !sameFlags(before, this.info);
  }

  /** Returns true when the forced mute changed (the caller rewires the viewers). */
  setForced(forced: { audio?: boolean | undefined; video?: boolean | undefined }): boolean {
    const next = {
      audio: forced.audio ?? this.#forced.audio,
      video: forced.video ?? this.#forced.video,
    };
    const changed = next.audio !== this.#forced.audio || next.video !== this.#forced.video;
    this.#forced = next;
    return changed;
  }

  /** The first offer: creates the outgoing endpoint and answers. Claims the slot synchronously. */
  async open(pipeline: MediaPipeline, offer: string): Promise<string> {
    this.#slot.beginNegotiation();
    const endpoint = await pipeline.createWebRtcEndpoint();
    if (this.#closed) {
      await endpoint.release();
      throw gone();
    }
    this.#attach(this.#slot, endpoint);
    const answer = await this.#slot.negotiate(offer);
    if (this.#closed) throw gone();
    return answer;
  }

  /**
   * A new connection for this publication (after a failure): a new endpoint is negotiated, takes
   * over (`rewire` connects it to every viewer) and the old one is released. Until the swap the old
   * one keeps feeding everyone.
   */
  async replace(
    pipeline: MediaPipeline,
    offer: string,
    rewire: (endpoint: WebRtcEndpoint) => Promise<void>,
  ): Promise<string> {
    // Synchronously, so that the candidates following this offer queue in the new slot.
    void this.#pending?.close();
    const next = new EndpointSlot(this.id, this.logger);
    next.beginNegotiation();
    this.#pending = next;
    let swapped = false;
    try {
      const endpoint = await pipeline.createWebRtcEndpoint();
      if (next.closed) {
        await endpoint.release();
        throw superseded();
      }
      this.#attach(next, endpoint);
      const answer = await next.negotiate(offer);
      if (next.closed) throw superseded();
      const previous = this.#slot;
      this.#slot = next;
      this.#pending = undefined;
      swapped = true;
      await rewire(endpoint);
      void previous.close();
      this.logger.debug('replace() | replaced');
      return answer;
    } catch (error) {
      if (this.#pending === next) this.#pending = undefined;
      if (!swapped) await next.close();
      if (this.#closed) throw gone();
      throw error;
    }
  }

  /** A candidate from the owner's browser: to the connection being negotiated, if any. */
  addCandidate(candidate: KurentoIceCandidate): boolean {
    return (this.#pending ?? this.#slot).addCandidate(candidate);
  }

  /** Releases the outgoing endpoint(s). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.live = false;
    const slots = [this.#slot, this.#pending].filter((s): s is EndpointSlot => s !== undefined);
    this.#pending = undefined;
    await Promise.all(slots.map((slot) => slot.close()));
  }

  #attach(slot: EndpointSlot, endpoint: WebRtcEndpoint): void {
    slot.attach(endpoint);
    endpoint.onIceCandidate((candidate) => {
      if (!slot.closed) this.#events.candidate(this.id, candidate);
    });
    endpoint.onError((error) => {
      this.logger.warn({ error }, 'endpoint | media error');
      if (!slot.closed) this.#events.mediaError(this.id, error.type);
    });
  }
}

function sameFlags(a: PublicationInfo, b: PublicationInfo): boolean {
  return a.audioMuted === b.audioMuted && a.videoMuted === b.videoMuted;
}

function gone(): AppError {
  return new AppError(ErrorCode.UnknownPublication, 'That publication was stopped.');
}

function superseded(): AppError {
  return new AppError(ErrorCode.AlreadyNegotiated, 'A newer offer replaced this one.');
}
