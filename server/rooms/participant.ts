import { EventEmitter } from 'node:events';

import { ErrorCode } from '../../lib/protocol';
import type { IceCandidate, ParticipantInfo } from '../../lib/protocol';
import { AppError } from '../errors';
import type { KurentoIceCandidate, MediaPipeline, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import { EndpointSlot } from './endpoint-slot';

export interface ParticipantEvents {
  /** A media-server candidate for my connection that carries `senderId`'s media (mine: my id). */
  iceCandidate: [senderId: string, candidate: IceCandidate];
  /** The media server reported an error on my connection that carries `senderId`'s media. */
  mediaError: [senderId: string, type: string];
}

export interface MuteState {
  audioMuted: boolean;
  videoMuted: boolean;
}

interface CreateOptions extends MuteState {
  id: string;
  displayName: string;
  pipeline: MediaPipeline;
  logger: Logger;
}

/**
 * One person in a room: owns the outgoing WebRtcEndpoint (what they publish) and one incoming
 * endpoint per participant they watch. Knows nothing about rooms; the room hands it the
 * pipeline and the sender's outgoing endpoint.
 */
export class Participant extends EventEmitter<ParticipantEvents> {
  readonly id: string;
  readonly displayName: string;
  readonly logger: Logger;
  #outgoing: EndpointSlot;
  /** A replacement of my outgoing connection being negotiated (`republish`). */
  #pendingOutgoing: EndpointSlot | undefined;
  readonly #incoming = new Map<string, EndpointSlot>();
  #mute: MuteState;
  #closed = false;

  /** Creates the outgoing endpoint. The caller re-checks its own state afterwards and closes on abort. */
  static async create(options: CreateOptions): Promise<Participant> {
    const endpoint = await options.pipeline.createWebRtcEndpoint();
    return new Participant(options, endpoint);
  }

  private constructor(options: CreateOptions, outgoing: WebRtcEndpoint) {
    super();
    this.id = options.id;
    this.displayName = options.displayName;
    this.logger = options.logger;
    this.#mute = { audioMuted: options.audioMuted, videoMuted: options.videoMuted };
    this.#outgoing = new EndpointSlot(this.id, this.logger);
    this.#attach(this.#outgoing, outgoing);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get info(): ParticipantInfo {
    return { id: this.id, displayName: this.displayName, ...this.#mute };
  }

  /** My published media; `undefined` once closed. */
  get outgoingEndpoint(): WebRtcEndpoint | undefined {
    return this.#outgoing.endpoint;
  }

  /** My incoming endpoint for `senderId`, once created. */
  incomingEndpointFor(senderId: string): WebRtcEndpoint | undefined {
    return this.#incoming.get(senderId)?.endpoint;
  }

  /** Senders I have an incoming endpoint (or queued candidates) for. */
  get incomingSenderIds(): string[] {
    return [...this.#incoming.keys()];
  }

  setMute(mute: MuteState): boolean {
    const changed =
      mute.audioMuted !== this.#mute.audioMuted || mute.videoMuted !== this.#mute.videoMuted;
    this.#mute = { ...mute };
    return changed;
  }

  /** The offer of my sendonly connection. */
  async publish(offer: string): Promise<string> {
    this.#assertOpen();
    this.#outgoing.beginNegotiation();
    try {
      return await this.#outgoing.negotiate(offer);
    } catch (error) {
      if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You left the room.');
      this.#outgoing.abortNegotiation();
      throw error;
    }
  }

  /**
   * A new sendonly connection replacing my negotiated one (after a failure): a new outgoing
   * endpoint is negotiated, then takes over every sink (`sinks()`: the others' incoming endpoints
   * for me) and the old one is released. Until the swap the old one keeps feeding everyone.
   */
  async republish(
    offer: string,
    pipeline: MediaPipeline,
    sinks: () => WebRtcEndpoint[],
  ): Promise<string> {
    this.#assertOpen();
    if (!this.#outgoing.claimed && !this.#pendingOutgoing) return this.publish(offer);
    // Synchronously, so that the candidates following this offer queue in the new slot.
    void this.#pendingOutgoing?.close();
    const next = new EndpointSlot(this.id, this.logger);
    next.beginNegotiation();
    this.#pendingOutgoing = next;
    let swapped = false;
    try {
      const endpoint = await pipeline.createWebRtcEndpoint();
      if (next.closed) {
        await endpoint.release();
        throw new AppError(ErrorCode.AlreadyNegotiated, 'A newer offer replaced this one.');
      }
      this.#attach(next, endpoint);
      const answer = await next.negotiate(offer);
      if (next.closed) {
        throw new AppError(ErrorCode.AlreadyNegotiated, 'A newer offer replaced this one.');
      }
      const previous = this.#outgoing;
      this.#outgoing = next;
      this.#pendingOutgoing = undefined;
      swapped = true;
      await Promise.all(sinks().map((sink) => endpoint.connect(sink)));
      void previous.close();
      this.logger.debug('republish() | replaced');
      return answer;
    } catch (error) {
      if (this.#pendingOutgoing === next) this.#pendingOutgoing = undefined;
      if (!swapped) await next.close();
      if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You left the room.');
      throw error;
    }
  }

  /**
   * The offer of my recvonly connection for `senderId`: creates my incoming endpoint for them,
   * feeds it from their outgoing one and answers. On failure nothing is left behind. With
   * `replace`, an existing connection for them is released first instead of refused.
   */
  async receive(
    senderId: string,
    source: WebRtcEndpoint,
    pipeline: MediaPipeline,
    offer: string,
    replace = false,
  ): Promise<string> {
    this.#assertOpen();
    const previous = this.#incoming.get(senderId);
    if (replace && previous?.claimed) {
      // A new connection for this sender: the old endpoint goes (synchronously, so that the
      // candidates that follow this offer land in the new slot's queue).
      this.#incoming.delete(senderId);
      void previous.close();
    }
    const slot = this.#slotFor(senderId);
    slot.beginNegotiation();
    const logger = this.logger.child({ senderId });
    try {
      const endpoint = await pipeline.createWebRtcEndpoint();
      if (slot.closed) {
        await endpoint.release();
        throw gone();
      }
      this.#attach(slot, endpoint);
      await source.connect(endpoint);
      if (slot.closed) throw gone();
      const answer = await slot.negotiate(offer);
      logger.debug('receive() | negotiated');
      return answer;
    } catch (error) {
      // Released (sender left, I left, a newer offer replaced it) or failed: it must not linger.
      const current = this.#incoming.get(senderId);
      const replaced = current !== undefined && current !== slot;
      if (current === slot) this.#incoming.delete(senderId);
      await slot.close();
      if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You left the room.');
      if (source.released) throw gone();
      if (replaced)
        throw new AppError(ErrorCode.AlreadyNegotiated, 'A newer offer replaced this one.');
      throw error;
    }
  }

  /** Queues or adds a candidate for my connection carrying `senderId` (my id: my outgoing one). */
  addIceCandidate(senderId: string, candidate: KurentoIceCandidate): void {
    this.#assertOpen();
    const slot =
      senderId === this.id ? (this.#pendingOutgoing ?? this.#outgoing) : this.#slotFor(senderId);
    if (!slot.addCandidate(candidate)) {
      throw new AppError(
        ErrorCode.RateLimited,
        'Too many ICE candidates before the offer was answered.',
      );
    }
  }

  /** The sender left: release my incoming endpoint for them. Idempotent. */
  async releaseIncoming(senderId: string): Promise<void> {
    const slot = this.#incoming.get(senderId);
    if (!slot) return;
    this.#incoming.delete(senderId);
    await slot.close();
  }

  /** Releases every endpoint I own. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const slots = [this.#outgoing, ...this.#incoming.values()];
    if (this.#pendingOutgoing) slots.push(this.#pendingOutgoing);
    this.#pendingOutgoing = undefined;
    this.#incoming.clear();
    this.removeAllListeners();
    await Promise.all(slots.map((slot) => slot.close()));
    this.logger.debug('close() | endpoints released');
  }

  #slotFor(senderId: string): EndpointSlot {
    let slot = this.#incoming.get(senderId);
    if (!slot) {
      slot = new EndpointSlot(senderId, this.logger.child({ senderId }));
      this.#incoming.set(senderId, slot);
    }
    return slot;
  }

  #attach(slot: EndpointSlot, endpoint: WebRtcEndpoint): void {
    slot.attach(endpoint);
    endpoint.onIceCandidate((candidate) => {
      if (!slot.closed && !this.#closed) this.emit('iceCandidate', slot.senderId, candidate);
    });
    endpoint.onError((error) => {
      this.logger.warn({ senderId: slot.senderId, error }, 'endpoint | media error');
      if (!slot.closed && !this.#closed) this.emit('mediaError', slot.senderId, error.type);
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You are not in a room.');
  }
}

function gone(): AppError {
  return new AppError(ErrorCode.UnknownParticipant, 'That participant left the room.');
}
