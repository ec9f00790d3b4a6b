import { randomUUID } from 'node:crypto';

import { ErrorCode } from '../../lib/protocol';
import type {
  PublicationInfo,
  PublicationSource,
  PublishResult,
  SubscriptionUpdateRequest,
} from '../../lib/protocol';
import { AppError } from '../errors';
import type { KurentoIceCandidate, MediaPipeline, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import type { Participant } from './participant';
import { assertPublicationCaps } from './publication-caps';
import type { ForcedMute, Publication } from './publication';
import type { SubscriptionOffer } from './subscription';
import type { RoomMember } from './room';
import { VideoFit } from './video-fit';

/** Learns of every publication starting and stopping in a room (recording, issue 14). */
export interface PublicationObserver {
  /** A publication is live on `endpoint` (also called again with the new one after a `replaces`). */
  added(publication: PublicationInfo, endpoint: WebRtcEndpoint, forced: ForcedMute): void;
  /** It stopped (unpublished, its owner left, the room closed, or it is about to be re-added). */
  removed(publicationId: string): void;
  /** A host's forced mute of it changed; `setForcedMute` resolves once this has settled. */
  forced?(publicationId: string, forced: ForcedMute): Promise<void> | void;
}

export interface PublishInput {
  source: PublicationSource;
  audio: boolean;
  video: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  sdp: string;
  replaces?: string | undefined;
}

/** What the publications need of their room. */
export interface PublicationHost {
  readonly logger: Logger;
  participants(): Participant[];
  member(participantId: string): Participant;
  pipeline(): MediaPipeline;
  tell(filter: (participantId: string) => boolean, tell: (member: RoomMember) => void): void;
  /** What a host keeps muted of this person's camera and microphone (access, issue 13). */
  forced(participantId: string): { audio: boolean; video: boolean };
}

/**
 * The publications model of one room (issue 11): publish, unpublish, subscribe, the caps and the
 * forced mute. Kurento mapping: one outgoing endpoint per publication, one incoming endpoint per
 * (viewer, publication) fed from it. Every check happens before anything changes.
 */
export class RoomPublications {
  readonly #host: PublicationHost;
  readonly #observers = new Set<PublicationObserver>();
  /** What each camera's owner is asked to send, from its viewers' tile sizes (issue 16). */
  readonly #fit: VideoFit;

  constructor(host: PublicationHost) {
    this.#host = host;
    this.#fit = new VideoFit(host);
  }

  /** Every live publication in the room. */
  list(): PublicationInfo[] {
    return this.#host.participants().flatMap((p) => p.livePublications.map((pub) => pub.info));
  }

  /** Reports the publications already live, then every start and stop; returns the undo. */
  observe(observer: PublicationObserver): () => void {
    this.#observers.add(observer);
    for (const participant of this.#host.participants()) {
      for (const publication of participant.livePublications) {
        const endpoint = publication.endpoint;
        if (!endpoint) continue;
        try {
          observer.added(publication.info, endpoint, publication.forced);
        } catch (error) {
          this.#host.logger.error({ err: error }, 'observe() | the observer failed');
        }
      }
    }
    return () => this.#observers.delete(observer);
  }

  async publish(ownerId: string, input: PublishInput): Promise<PublishResult> {
    const owner = this.#host.member(ownerId);
    if (input.replaces !== undefined) return this.#republish(owner, input.replaces, input);
    assertPublicationCaps(owner, input.source, this.#host.participants());
    const publication = owner.addPublication({
      id: randomUUID(),
      source: input.source,
      audio: input.audio,
      video: input.video,
      audioMuted: input.audioMuted,
      videoMuted: input.videoMuted,
    });
    try {
      const sdp = await publication.open(this.#host.pipeline(), input.sdp);
      if (owner.closed) throw left();
      // A host's mute of this person holds for a camera they publish anew (after a rejoin, or an
      // unpublish meant to shed it), set as it goes live: no viewer can be fed before.
      if (input.source === 'camera') publication.setForced(this.#host.forced(ownerId));
      // One synchronous step: live, announced, observed.
      publication.live = true;
      const info = publication.info;
      publication.logger.info('publish() | live');
      this.#host.tell(
        (id) => id !== ownerId,
        (member) => member.publicationAdded(info),
      );
      const endpoint = publication.endpoint;
      if (endpoint) this.#notify((o) => o.added(info, endpoint, publication.forced));
      return { publication: info, sdp };
    } catch (error) {
      await owner.removePublication(publication.id);
      if (owner.closed) throw left();
      throw error;
    }
  }

  /** Stops one of my publications: exactly its endpoint and every viewer's endpoint for it go. */
  async unpublish(ownerId: string, publicationId: string): Promise<void> {
    const owner = this.#host.member(ownerId);
    const publication = this.#own(owner, publicationId);
    await this.#remove(owner, publication);
  }

  subscribe(
    viewerId: string,
    publicationId: string,
    sdp: SubscriptionOffer,
    replace: boolean,
  ): Promise<string> {
    const viewer = this.#host.member(viewerId);
    const publication = this.#visible(publicationId);
    if (publication.participantId === viewerId) {
      throw new AppError(ErrorCode.BadRequest, 'You cannot subscribe to your own publication.');
    }
    // No await before `subscribe`: it claims the slot synchronously, ahead of the candidates
    // that follow this offer on the socket.
    return viewer.subscribe(publication, this.#host.pipeline(), sdp, replace);
  }

  async unsubscribe(viewerId: string, publicationId: string): Promise<void> {
    const viewer = this.#host.member(viewerId);
    if (!viewer.subscription(publicationId)) this.#visible(publicationId);
    const released = viewer.releaseSubscription(publicationId);
    // Released synchronously: the fitting no longer counts this viewer.
    this.#fit.update(this.#find(publicationId));
    await released;
  }

  /**
   * `video: false` disconnects the publication's video from my endpoint; `true` reconnects it.
   * Both that and my tile's size change what its owner is asked to send (`VideoFit`).
   */
  async updateSubscription(viewerId: string, update: SubscriptionUpdateRequest): Promise<void> {
    const viewer = this.#host.member(viewerId);
    const publication = this.#visible(update.publicationId);
    const subscription = viewer.subscription(update.publicationId);
    if (!subscription) {
      throw new AppError(
        ErrorCode.UnknownPublication,
        'You are not subscribed to that publication.',
      );
    }
    if (update.width !== undefined && update.height !== undefined) {
      subscription.size = { width: update.width, height: update.height };
    }
    const videoChanged = update.video !== undefined && update.video !== subscription.wantsVideo;
    if (update.video !== undefined) subscription.wantsVideo = update.video;
    this.#fit.update(publication);
    if (videoChanged) await subscription.sync(publication);
  }

  /** The owner's muted flags; the others hear of a change. */
  mute(
    ownerId: string,
    flags: {
      publicationId: string;
      audioMuted?: boolean | undefined;
      videoMuted?: boolean | undefined;
    },
  ): void {
    const owner = this.#host.member(ownerId);
    const publication = this.#own(owner, flags.publicationId);
    if (publication.setMuted(flags)) {
      const info = publication.info;
      this.#host.tell(
        (id) => id !== ownerId,
        (member) => member.publicationUpdated(info),
      );
    }
  }

  /**
   * Keeps a publication's audio and/or video from every viewer at the media server (host mute,
   * issue 13), or lets it through again. Everyone, the owner too, hears of the change.
   */
  async setForcedMute(
    publicationId: string,
    forced: { audio?: boolean; video?: boolean },
  ): Promise<void> {
    const publication = this.#visible(publicationId);
    if (!publication.setForced(forced)) return;
    const info = publication.info;
    this.#host.tell(
      () => true,
      (member) => member.publicationUpdated(info),
    );
    // The recording too: nothing a host keeps from the viewers goes into a file.
    await Promise.all([this.#rewire(publication), this.#forcedToObservers(publication)]);
  }

  /** A candidate from `participantId`'s browser for the connection that carries `publicationId`. */
  addIceCandidate(
    participantId: string,
    publicationId: string,
    candidate: KurentoIceCandidate,
  ): void {
    const participant = this.#host.member(participantId);
    const own = participant.publication(publicationId);
    if (own) {
      participant.addPublicationCandidate(own, candidate);
      return;
    }
    this.#visible(publicationId);
    participant.addSubscriptionCandidate(publicationId, candidate);
  }

  /** Throws UNKNOWN_PUBLICATION unless `publicationId` names a live publication here (or mine, for candidates). */
  assertKnown(participantId: string, publicationId: string): void {
    if (this.#host.member(participantId).publication(publicationId)) return;
    this.#visible(publicationId);
  }

  /**
   * `participant` left: everyone's subscriptions to their publications go; observers hear of it.
   * As a viewer they no longer count for what the publications they watched are asked to send.
   */
  async ownerLeft(participant: Participant, others: Participant[]): Promise<void> {
    for (const watched of participant.subscribedIds) this.#fit.update(this.#find(watched));
    const ids = participant.livePublications.map((publication) => publication.id);
    for (const id of ids) this.#notify((o) => o.removed(id));
    await Promise.all(others.flatMap((other) => ids.map((id) => other.releaseSubscription(id))));
  }

  /** The room closed: observers hear every publication stop, then are dropped. */
  closed(participants: Participant[]): void {
    for (const participant of participants) {
      for (const publication of participant.livePublications) {
        this.#notify((o) => o.removed(publication.id));
      }
    }
    this.#observers.clear();
  }

  async #republish(
    owner: Participant,
    publicationId: string,
    input: PublishInput,
  ): Promise<PublishResult> {
    const publication = this.#own(owner, publicationId);
    if (publication.source !== input.source) {
      throw new AppError(ErrorCode.BadRequest, 'replaces: that publication has another source.');
    }
    const sdp = await publication.replace(this.#host.pipeline(), input.sdp, async (endpoint) => {
      this.#notify((o) => o.removed(publication.id));
      this.#notify((o) => o.added(publication.info, endpoint, publication.forced));
      await this.#rewire(publication);
    });
    if (owner.closed) throw left();
    if (publication.setMuted(input)) {
      const info = publication.info;
      this.#host.tell(
        (id) => id !== owner.id,
        (member) => member.publicationUpdated(info),
      );
    }
    return { publication: publication.info, sdp };
  }

  async #remove(owner: Participant, publication: Publication): Promise<void> {
    const wasLive = publication.live;
    const releases = [
      owner.removePublication(publication.id),
      ...this.#host
        .participants()
        .filter((other) => other !== owner)
        .map((other) => other.releaseSubscription(publication.id)),
    ];
    if (wasLive) {
      publication.logger.info('unpublish() | stopped');
      this.#host.tell(
        (id) => id !== owner.id,
        (member) => member.publicationRemoved(publication.id, owner.id),
      );
      this.#notify((o) => o.removed(publication.id));
    }
    await Promise.all(releases);
  }

  /** Re-applies what every viewer's endpoint should receive of `publication`. */
  async #rewire(publication: Publication): Promise<void> {
    const syncs = this.#host
      .participants()
      .flatMap((viewer) => viewer.subscription(publication.id) ?? [])
      .map((subscription) => subscription.sync(publication));
    const results = await Promise.allSettled(syncs);
    for (const result of results) {
      if (result.status === 'rejected' && !publication.closed) {
        publication.logger.warn({ err: result.reason }, 'rewire() | a viewer could not be rewired');
      }
    }
  }

  async #forcedToObservers(publication: Publication): Promise<void> {
    const forced = publication.forced;
    const results = await Promise.allSettled(
      [...this.#observers].map(async (observer) => observer.forced?.(publication.id, forced)),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        publication.logger.warn({ err: result.reason }, 'observer | could not follow the mute');
      }
    }
  }

  /** One of `owner`'s publications, or FORBIDDEN (someone else's) / UNKNOWN_PUBLICATION. */
  #own(owner: Participant, publicationId: string): Publication {
    const publication = owner.publication(publicationId);
    if (publication?.live) return publication;
    const other = this.#find(publicationId);
    if (other && other.participantId !== owner.id) {
      throw new AppError(ErrorCode.Forbidden, 'That publication is someone else’s.');
    }
    throw unknownPublication();
  }

  /** A live publication of this room, or UNKNOWN_PUBLICATION (also for one in another room). */
  #visible(publicationId: string): Publication {
    const publication = this.#find(publicationId);
    if (!publication) throw unknownPublication();
    return publication;
  }

  #find(publicationId: string): Publication | undefined {
    for (const participant of this.#host.participants()) {
      const publication = participant.publication(publicationId);
      if (publication?.live) return publication;
    }
    return undefined;
  }

  #notify(call: (observer: PublicationObserver) => void): void {
    for (const observer of this.#observers) {
      try {
        call(observer);
      } catch (error) {
        this.#host.logger.error({ err: error }, 'observer | failed to take a publication event');
      }
    }
  }
}

function unknownPublication(): AppError {
  return new AppError(ErrorCode.UnknownPublication, 'No publication with that id in your room.');
}

function left(): AppError {
  return new AppError(ErrorCode.NotInRoom, 'You left the room.');
}
