import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { ErrorCode } from '../../lib/protocol';
import type { IceCandidate, ParticipantConnection, ParticipantInfo } from '../../lib/protocol';
import { AppError } from '../errors';
import type { KurentoIceCandidate, MediaPipeline } from '../kurento/objects';
import type { Logger } from '../logger';
import type { EndpointEvents, PublicationInit } from './publication';
import { Publication } from './publication';
import { Subscription, type SubscriptionOffer } from './subscription';

export interface ParticipantEvents {
  /** A media-server candidate for my connection that carries `publicationId` (mine or watched). */
  iceCandidate: [publicationId: string, candidate: IceCandidate];
  /** The media server reported an error on my connection that carries `publicationId`. */
  mediaError: [publicationId: string, type: string];
}

interface ParticipantOptions {
  id: string;
  displayName: string;
  logger: Logger;
  /** Where my signaling came from when I joined (a resume from elsewhere cannot keep my endpoints). */
  address?: string | undefined;
}

/**
 * One person in a room: owns their publications (one outgoing endpoint each) and their
 * subscriptions (one incoming endpoint per publication they watch). Knows nothing about rooms;
 * the room hands it the pipeline and the publications it may watch.
 */
export class Participant extends EventEmitter<ParticipantEvents> {
  readonly id: string;
  readonly displayName: string;
  readonly logger: Logger;
  readonly address: string | undefined;
  /** Mine, including those still negotiating (they count against the caps but are not shown). */
  readonly #publications = new Map<string, Publication>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #events: EndpointEvents = {
    candidate: (publicationId, candidate) => {
      if (!this.#closed) this.emit('iceCandidate', publicationId, candidate);
    },
    mediaError: (publicationId, type) => {
      if (!this.#closed) this.emit('mediaError', publicationId, type);
    },
  };
  #closed = false;
  /** Secret of this membership (the join answer's `resumeToken`): a rejoin after a loss shows it. */
  readonly resumeToken = randomBytes(16).toString('base64url');
  /** `reconnecting` while my signaling is lost and the grace period runs (server/rooms/grace.ts). */
  connection: ParticipantConnection = 'connected';
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ParticipantOptions) {
    super();
    this.id = options.id;
    this.displayName = options.displayName;
    this.logger = options.logger;
    this.address = options.address;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get info(): ParticipantInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      publications: this.livePublications.map((publication) => publication.info),
      ...(this.connection === 'reconnecting' ? { connection: this.connection } : {}),
    };
  }

  /** My signaling is lost: `expire` runs after `ms` unless I am closed first (left, resumed). */
  startGrace(ms: number, expire: () => void): void {
    if (this.#closed || this.#graceTimer) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (!this.#closed) expire();
    }, ms);
  }

  /** Resumed in place on a new socket: the grace period ends. True when I was shown reconnecting. */
  endGrace(): boolean {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    const wasLost = this.connection === 'reconnecting';
    this.connection = 'connected';
    return wasLost;
  }

  /** True when `token` is my resume token (compared in constant time). */
  acceptsResume(token: string): boolean {
    const given = Buffer.from(token);
    const mine = Buffer.from(this.resumeToken);
    return given.length === mine.length && timingSafeEqual(given, mine);
  }

  /** Negotiated and announced publications. */
  get livePublications(): Publication[] {
    return [...this.#publications.values()].filter((publication) => publication.live);
  }

  /** Every publication of mine, also those being negotiated (for the caps). */
  get allPublications(): Publication[] {
    return [...this.#publications.values()];
  }

  publication(publicationId: string): Publication | undefined {
    return this.#publications.get(publicationId);
  }

  /** A new publication of mine, not yet live; the room negotiates it. */
  addPublication(init: Omit<PublicationInit, 'participantId'>): Publication {
    this.#assertOpen();
    const publication = new Publication(
      { ...init, participantId: this.id },
      this.logger,
      this.#events,
    );
    this.#publications.set(publication.id, publication);
    return publication;
  }

  /** Forgets and releases one of my publications. Idempotent. */
  async removePublication(publicationId: string): Promise<void> {
    const publication = this.#publications.get(publicationId);
    if (!publication) return;
    this.#publications.delete(publicationId);
    await publication.close();
  }

  subscription(publicationId: string): Subscription | undefined {
    return this.#subscriptions.get(publicationId);
  }

  /** Publication ids I have an incoming endpoint (or queued candidates) for. */
  get subscribedIds(): string[] {
    return [...this.#subscriptions.keys()];
  }

  /**
   * The offer of my recvonly connection for `source`: creates my incoming endpoint for it, feeds it
   * and answers. On failure nothing is left behind. With `replace`, an existing connection for it
   * is released first instead of refused.
   */
  async subscribe(
    source: Publication,
    pipeline: MediaPipeline,
    offer: SubscriptionOffer,
    replace = false,
  ): Promise<string> {
    this.#assertOpen();
    const previous = this.#subscriptions.get(source.id);
    if (replace && previous?.slot.claimed) {
      // A new connection: the old endpoint goes (synchronously, so that the candidates that
      // follow this offer land in the new subscription's queue). The video wish and the tile's
      // size carry over: the same tile shows the new connection.
      this.#subscriptions.delete(source.id);
      void previous.close();
    }
    const subscription = this.#subscriptionFor(source.id);
    if (previous && previous !== subscription) {
      subscription.wantsVideo = previous.wantsVideo;
      subscription.size = previous.size;
    }
    // Before any await: a second offer for the same connection is refused, the first one stays.
    subscription.slot.beginNegotiation();
    try {
      const answer = await subscription.open(source, pipeline, offer);
      this.logger.debug({ publicationId: source.id }, 'subscribe() | negotiated');
      return answer;
    } catch (error) {
      // Released (publication stopped, I left, a newer offer replaced it) or failed: no leftovers.
      const current = this.#subscriptions.get(source.id);
      const replaced = current !== undefined && current !== subscription;
      if (current === subscription) this.#subscriptions.delete(source.id);
      await subscription.close();
      if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You left the room.');
      if (source.closed) {
        throw new AppError(ErrorCode.UnknownPublication, 'That publication was stopped.');
      }
      if (replaced) {
        throw new AppError(ErrorCode.AlreadyNegotiated, 'A newer offer replaced this one.');
      }
      throw error;
    }
  }

  /** Queues or adds a candidate for my subscription to `publicationId` (it may not exist yet). */
  addSubscriptionCandidate(publicationId: string, candidate: KurentoIceCandidate): void {
    this.#assertOpen();
    if (!this.#subscriptionFor(publicationId).slot.addCandidate(candidate)) tooManyCandidates();
  }

  /** Candidates for one of my own publications. */
  addPublicationCandidate(publication: Publication, candidate: KurentoIceCandidate): void {
    this.#assertOpen();
    if (!publication.addCandidate(candidate)) tooManyCandidates();
  }

  /** Releases my incoming endpoint for a publication. Idempotent. */
  async releaseSubscription(publicationId: string): Promise<void> {
    const subscription = this.#subscriptions.get(publicationId);
    if (!subscription) return;
    this.#subscriptions.delete(publicationId);
    await subscription.close();
  }

  /** Releases every endpoint I own. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#graceTimer);
    const owned: { close(): Promise<void> }[] = [
      ...this.#publications.values(),
      ...this.#subscriptions.values(),
    ];
    this.#publications.clear();
    this.#subscriptions.clear();
    this.removeAllListeners();
    await Promise.all(owned.map((item) => item.close()));
    this.logger.debug('close() | endpoints released');
  }

  #subscriptionFor(publicationId: string): Subscription {
    let subscription = this.#subscriptions.get(publicationId);
    if (!subscription) {
      subscription = new Subscription(publicationId, this.logger, this.#events);
      this.#subscriptions.set(publicationId, subscription);
    }
    return subscription;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'You are not in a room.');
  }
}

function tooManyCandidates(): never {
  throw new AppError(
    ErrorCode.RateLimited,
    'Too many ICE candidates before the offer was answered.',
  );
}
