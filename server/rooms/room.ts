import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { ErrorCode } from '../../lib/protocol';
import type {
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
import { RoomMeeting } from '../meeting/room-meeting';
import { RoomAccess } from '../access/room-access';
import { Participant } from './participant';
import { RoomRecovery } from './room-recovery';
import type {
  JoinOutcome,
  JoinRequest,
  JoinSignal,
  RoomEvents,
  RoomMember,
  RoomOptions,
} from './room-types';
import type { PublicationObserver, PublishInput } from './room-publications';
import { RoomPublications } from './room-publications';
import type { SubscriptionOffer } from './subscription';

export type { JoinRequest, JoinSignal, RoomEvents, RoomMember } from './room-types';

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
  readonly #graceMs: number;
  readonly #pipeline: Promise<MediaPipeline>;
  /** Set once the pipeline exists (always, while the room has participants). */
  #readyPipeline: MediaPipeline | undefined;
  readonly #participants = new Map<string, Participant>();
  /** Who hears of each participant's room events, by participant id (same keys as above). */
  readonly #members = new Map<string, RoomMember>();
  /** Chat, raised hands, reactions (server/meeting). */
  readonly meeting: RoomMeeting;
  /** Roles, lock, lobby, password, removals (server/access). */
  readonly access: RoomAccess;
  /** Joins admitted but not finished: they count against the limit and keep the room open. */
  #pendingJoins = 0;
  #closed = false;
  #closeReason: ProtocolError | undefined;
  readonly #publications: RoomPublications;
  readonly #recovery: RoomRecovery;

  constructor(id: string, options: RoomOptions) {
    super();
    this.id = id;
    this.logger = options.logger.child({ roomId: id });
    this.media = options.media;
    this.#maxParticipants = options.maxParticipants;
    this.#graceMs = options.graceMs ?? 0;
    this.meeting = new RoomMeeting({
      logger: this.logger,
      members: () => this.#members,
      nameOf: (id) => this.#participants.get(id)?.displayName,
    });
    this.#publications = new RoomPublications({
      logger: this.logger,
      participants: () => this.participants,
      member: (participantId) => this.#requireMember(participantId),
      pipeline: () => this.#requirePipeline(),
      tell: (filter, tell) => {
        for (const [id, member] of this.#members) if (filter(id)) this.#tell(member, tell);
      },
      forced: (participantId) => this.access.forcedOf(participantId),
    });
    this.access = new RoomAccess({
      roomId: id,
      logger: this.logger,
      services: options.access,
      members: () => this.#members,
      infoOf: (id) => {
        const participant = this.#participants.get(id);
        return participant && this.#info(participant);
      },
      publications: this.#publications,
      graceMs: this.#graceMs,
    });
    this.#recovery = new RoomRecovery({
      logger: this.logger,
      graceMs: this.#graceMs,
      participants: this.#participants,
      members: this.#members,
      updated: (participant) => {
        const info = this.#info(participant);
        this.#tellOthers(participant.id, (other) => other.participantUpdated(info));
      },
      tell: (member, tell) => this.#tell(member, tell),
      leave: (participantId) => this.leave(participantId),
      snapshot: (participant) => ({
        others: this.participants.filter((p) => p !== participant).map((p) => this.#info(p)),
        meeting: this.meeting.snapshot(),
        access: this.access.snapshotFor(participant.id),
      }),
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

  /** The pipeline while the room is open (a prejoin prepares its receive endpoints in it). */
  get pipeline(): MediaPipeline | undefined {
    return this.#closed ? undefined : this.#readyPipeline;
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
   * Adds a participant. Returns them and everyone already there; `member` hears of every change
   * after that snapshot. When `signal` aborts or the room closes meanwhile, nothing is left behind.
   */
  async join(request: JoinRequest, signal: JoinSignal, member: RoomMember): Promise<JoinOutcome> {
    this.#assertOpen();
    const resumed = this.#recovery.resumable(request.resume);
    if (resumed && request.resume?.keep) {
      if (resumed.address === request.address) return this.#recovery.keep(resumed, member);
      resumed.logger.info('join() | a resume from a new address replaces the membership');
    }
    const occupied = this.#participants.size - (resumed ? 1 : 0) + this.#pendingJoins;
    if (occupied >= this.#maxParticipants) {
      throw new AppError(
        ErrorCode.RoomFull,
        `This room is full (${this.#maxParticipants} participants).`,
      );
    }
    this.#pendingJoins += 1;
    try {
      if (resumed) {
        // The same person is back on a new socket: the old membership goes now (its endpoints
        // released, the others told), not when its dead socket times out. The pending join
        // keeps the room open meanwhile.
        resumed.logger.info('join() | resumed by a new connection');
        this.leave(resumed.id).catch((error: unknown) =>
          this.logger.error({ err: error }, 'join() | releasing the resumed membership failed'),
        );
      }
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
        address: request.address,
      });
      // One synchronous step: snapshot, membership, announcement (see RoomMember).
      const others = this.participants.map((other) => this.#info(other));
      const meeting = this.meeting.snapshot();
      const { role, identity } = request.access ?? { role: 'participant', identity: randomUUID() };
      this.access.added(id, role, identity, resumed !== undefined);
      const access = this.access.snapshotFor(id);
      this.#participants.set(id, participant);
      this.#members.set(id, member);
      participant.logger.info({ displayName: participant.displayName, role }, 'join() | joined');
      const info = this.#info(participant);
      this.#tellOthers(id, (other) => other.participantJoined(info));
      this.access.announced(id);
      return { participant, others, meeting, access };
    } finally {
      this.#pendingJoins -= 1;
      this.#closeIfEmpty();
    }
  }

  /** Removes a participant, their endpoints and everyone's for them; tells the others. Idempotent. */
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
    this.access.left(participantId);
    this.#closeIfEmpty();
    await Promise.all(releases);
  }

  /** My signaling is gone (net, issue 16): see RoomRecovery. */
  lose(participantId: string): void {
    this.#recovery.lose(participantId);
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
    sdp: SubscriptionOffer,
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

  mutePublication(participantId: string, flags: Parameters<RoomPublications['mute']>[1]): void {
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
    this.access.close();
    this.logger.info({ reason: reason?.code }, 'close()');
    this.#publications.closed(participants);
    for (const member of members) this.#tell(member, (m) => m.roomClosed(reason));
    this.emit('closed', reason);
    this.removeAllListeners();
    await Promise.all(participants.map((participant) => participant.close()));
    const pipeline = await this.#pipeline.catch(() => undefined);
    await pipeline?.release();
  }

  /**
   * A host removed this participant: they leave (endpoints released, the others told) and hear
   * `reason` as the end of their call.
   */
  async remove(participantId: string, reason: ProtocolError): Promise<void> {
    const member = this.#members.get(participantId);
    const leaving = this.leave(participantId);
    if (member) this.#tell(member, (m) => m.roomClosed(reason));
    await leaving;
  }

  /** What everyone knows of a participant: theirs, and the role the room gave them. */
  #info(participant: Participant): ParticipantInfo {
    return { ...participant.info, role: this.access.roleOf(participant.id) ?? 'participant' };
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
