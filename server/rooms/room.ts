import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { ErrorCode } from '../../lib/protocol';
import type {
  MeetingSnapshot,
  ParticipantInfo,
  ProtocolError,
  PublicationInfo,
  PublishResult,
  SubscriptionUpdateRequest,
} from '../../lib/protocol';
import { AppError } from '../errors';
import type { MediaServerClient } from '../kurento/client';
import type { KurentoIceCandidate, MediaPipeline } from '../kurento/objects';
import type { Logger } from '../logger';
import { RoomMeeting, type MeetingMember } from '../meeting/room-meeting';
import type { RecordingMember } from '../recording/recordings';
import { Participant } from './participant';
import type { PublicationObserver, PublishInput } from './room-publications';
import { RoomPublications } from './room-publications';

export interface RoomEvents {
  /** `reason` is set when the room ended for everyone without their asking. */
  closed: [reason: ProtocolError | undefined];
}

/**
 * How a member hears of the room. The room calls it directly, from the moment the member is added
 * (in the same synchronous step as the snapshot of the others that `join` returns), so no join,
 * leave or change can fall between what the snapshot shows and what the member is told next.
 */
export interface RoomMember extends MeetingMember, RecordingMember {
  participantJoined(participant: ParticipantInfo): void;
  participantLeft(participantId: string): void;
  participantUpdated(participant: ParticipantInfo): void;
  publicationAdded(publication: PublicationInfo): void;
  publicationRemoved(publicationId: string, participantId: string): void;
  publicationUpdated(publication: PublicationInfo): void;
  /** The room ended; `reason` is set when it ended for everyone without their asking. */
  roomClosed(reason: ProtocolError | undefined): void;
}

export interface JoinRequest {
  displayName: string;
}

/** Lets a join in progress find out that its caller went away (socket disconnected). */
export interface JoinSignal {
  readonly aborted: boolean;
}

interface RoomOptions {
  media: MediaServerClient;
  logger: Logger;
  maxParticipants: number;
}

/**
 * A group call: owns the MediaPipeline (created once, when the room is, so racing joins share it)
 * and its participants. Closes itself, releasing the pipeline, when the last participant leaves.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  readonly logger: Logger;
  /** The media server this room lives on. */
  readonly media: MediaServerClient;
  readonly #maxParticipants: number;
  readonly #pipeline: Promise<MediaPipeline>;
  /** Set once the pipeline exists (always, while the room has participants). */
  #readyPipeline: MediaPipeline | undefined;
  readonly #participants = new Map<string, Participant>();
  /** Who hears of each participant's room events, by participant id (same keys as above). */
  readonly #members = new Map<string, RoomMember>();
  /** Chat, raised hands, reactions (server/meeting). */
  readonly meeting: RoomMeeting;
  /** Joins admitted but not finished: they count against the limit and keep the room open. */
  #pendingJoins = 0;
  #closed = false;
  #closeReason: ProtocolError | undefined;
  readonly #publications: RoomPublications;

  constructor(id: string, options: RoomOptions) {
    super();
    this.id = id;
    this.logger = options.logger.child({ roomId: id });
    this.media = options.media;
    this.#maxParticipants = options.maxParticipants;
    this.meeting = new RoomMeeting({
      logger: this.logger,
      members: () => this.#members,
      nameOf: (id) => this.#participants.get(id)?.displayName,
    });
    this.#pipeline = options.media.createMediaPipeline().then(async (pipeline) => {
      if (this.#closed) {
        await pipeline.release();
        throw new AppError(ErrorCode.MediaServerUnavailable, 'The room closed.');
      }
      this.logger.info({ pipelineId: pipeline.id }, 'pipeline created');
      this.#readyPipeline = pipeline;
      return pipeline;
    });
    // Joins observe failures; this keeps an early failure from being an unhandled rejection.
    this.#pipeline.catch(() => undefined);
    this.#publications = new RoomPublications({
      logger: this.logger,
      participants: () => this.participants,
      member: (participantId) => this.#requireMember(participantId),
      pipeline: () => this.#requirePipeline(),
      tell: (filter, tell) => {
        for (const [id, member] of this.#members) if (filter(id)) this.#tell(member, tell);
      },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#participants.size;
  }

  /** The room's pipeline on the media server, once created (rec: pipelines released under us). */
  get pipelineId(): string | undefined {
    return this.#readyPipeline?.id;
  }

  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  getParticipant(participantId: string): Participant | undefined {
    return this.#participants.get(participantId);
  }

  /** Joins admitted but not finished (they count against the limit). */
  get pendingJoins(): number {
    return this.#pendingJoins;
  }

  /**
   * Adds a participant with their outgoing endpoint. Returns them and everyone already there;
   * `member` hears of every change after that snapshot. When `signal` aborts or the room closes
   * meanwhile, nothing is left behind.
   */
  async join(
    request: JoinRequest,
    signal: JoinSignal,
    member: RoomMember,
  ): Promise<{ participant: Participant; others: ParticipantInfo[]; meeting: MeetingSnapshot }> {
    this.#assertOpen();
    if (this.#participants.size + this.#pendingJoins >= this.#maxParticipants) {
      throw new AppError(
        ErrorCode.RoomFull,
        `This room is full (${this.#maxParticipants} participants).`,
      );
    }
    this.#pendingJoins += 1;
    try {
      const pipeline = await this.#pipeline;
      this.#assertOpen();
      if (signal.aborted) throw aborted();
      this.#readyPipeline ??= pipeline;
      const id = randomUUID();
      // Media comes with publications, after the join: a participant starts with none.
      const participant = new Participant({
        id,
        displayName: request.displayName,
        logger: this.logger.child({ participantId: id }),
      });
      // One synchronous step: snapshot, membership, announcement (see RoomMember).
      const others = this.participants.map((other) => other.info);
      const meeting = this.meeting.snapshot();
      this.#participants.set(id, participant);
      this.#members.set(id, member);
      participant.logger.info({ displayName: participant.displayName }, 'join() | joined');
      this.#tellOthers(id, (other) => other.participantJoined(participant.info));
      return { participant, others, meeting };
    } finally {
      this.#pendingJoins -= 1;
      this.#closeIfEmpty();
    }
  }

  /**
   * Removes a participant: releases their endpoints and everyone's incoming endpoint for them,
   * tells the others. Idempotent. Resolves once the endpoints are released.
   */
  async leave(participantId: string): Promise<void> {
    const participant = this.#participants.get(participantId);
    if (!participant) return;
    this.#participants.delete(participantId);
    this.#members.delete(participantId);
    // Their publications' ids are read before `close()` forgets them.
    const releases = [
      this.#publications.ownerLeft(participant, this.participants),
      participant.close(),
    ];
    participant.logger.info('leave() | left');
    this.#tellOthers(participantId, (other) => other.participantLeft(participantId));
    this.meeting.participantLeft(participantId);
    this.#closeIfEmpty();
    await Promise.all(releases);
  }

  /** A new publication of mine (or, with `replaces`, a new connection for one). */
  publish(participantId: string, input: PublishInput): Promise<PublishResult> {
    return this.#publications.publish(participantId, input);
  }

  unpublish(participantId: string, publicationId: string): Promise<void> {
    return this.#publications.unpublish(participantId, publicationId);
  }

  subscribe(
    viewerId: string,
    publicationId: string,
    sdp: string,
    replace = false,
  ): Promise<string> {
    return this.#publications.subscribe(viewerId, publicationId, sdp, replace);
  }

  unsubscribe(viewerId: string, publicationId: string): Promise<void> {
    return this.#publications.unsubscribe(viewerId, publicationId);
  }

  updateSubscription(viewerId: string, update: SubscriptionUpdateRequest): Promise<void> {
    return this.#publications.updateSubscription(viewerId, update);
  }

  mutePublication(
    participantId: string,
    flags: {
      publicationId: string;
      audioMuted?: boolean | undefined;
      videoMuted?: boolean | undefined;
    },
  ): void {
    this.#publications.mute(participantId, flags);
  }

  addIceCandidate(
    participantId: string,
    publicationId: string,
    candidate: KurentoIceCandidate,
  ): void {
    this.#publications.addIceCandidate(participantId, publicationId, candidate);
  }

  /** Throws UNKNOWN_PUBLICATION unless the id names one of mine or a live one of this room. */
  assertPublicationKnown(participantId: string, publicationId: string): void {
    this.#publications.assertKnown(participantId, publicationId);
  }

  /**
   * For host powers (issue 13): keeps a publication's audio and/or video from every viewer at the
   * media server (`true`), or lets it through again (`false`); omitted kinds stay as they are.
   * Everyone, the owner included, gets `publication:updated` with the effective muted flags.
   */
  setForcedMute(
    publicationId: string,
    forced: { audio?: boolean; video?: boolean },
  ): Promise<void> {
    return this.#publications.setForcedMute(publicationId, forced);
  }

  /** Every live publication in the room. */
  listPublications(): PublicationInfo[] {
    return this.#publications.list();
  }

  /**
   * For recording (issue 14): `added` for each publication already live, then for every new one
   * (and with the new endpoint after a reconnection), `removed` when one stops. Returns the undo.
   */
  observePublications(observer: PublicationObserver): () => void {
    return this.#publications.observe(observer);
  }

  /** Tells every member (a state everyone in the room sees: recording, issue 14). */
  tellEveryone(tell: (member: RoomMember) => void): void {
    for (const member of this.#members.values()) this.#tell(member, tell);
  }

  /** Ends the room for everyone. Idempotent; resolves once every media object is released. */
  async close(reason?: ProtocolError): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    const participants = this.participants;
    const members = [...this.#members.values()];
    this.#participants.clear();
    this.#members.clear();
    this.meeting.close();
    this.logger.info({ reason: reason?.code }, 'close()');
    this.#publications.closed(participants);
    for (const member of members) this.#tell(member, (m) => m.roomClosed(reason));
    this.emit('closed', reason);
    this.removeAllListeners();
    await Promise.all(participants.map((participant) => participant.close()));
    const pipeline = await this.#pipeline.catch(() => undefined);
    await pipeline?.release();
  }

  /** Tells every member but `subjectId`. */
  #tellOthers(subjectId: string, tell: (member: RoomMember) => void): void {
    for (const [id, member] of this.#members) if (id !== subjectId) this.#tell(member, tell);
  }

  /** One member's failure to take an event must not keep it from the others. */
  #tell(member: RoomMember, tell: (member: RoomMember) => void): void {
    try {
      tell(member);
    } catch (error) {
      this.logger.error({ err: error }, 'tell() | a member failed to take an event');
    }
  }

  #closeIfEmpty(): void {
    if (this.#participants.size === 0 && this.#pendingJoins === 0) {
      this.close().catch((error: unknown) => this.logger.error({ err: error }, 'close() | failed'));
    }
  }

  #requirePipeline(): MediaPipeline {
    const pipeline = this.#readyPipeline;
    if (!pipeline || this.#closed) throw new AppError(ErrorCode.NotInRoom, 'The room was closed.');
    return pipeline;
  }

  #requireMember(participantId: string): Participant {
    const participant = this.#participants.get(participantId);
    if (!participant) throw new AppError(ErrorCode.NotInRoom, 'You are not in this room.');
    return participant;
  }

  #assertOpen(): void {
    if (this.#closed) {
      const reason = this.#closeReason;
      throw reason
        ? new AppError(reason.code, reason.message)
        : new AppError(ErrorCode.NotInRoom, 'The room was closed; join again.');
    }
  }
}

function aborted(): AppError {
  return new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
}
