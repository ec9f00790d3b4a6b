import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { ErrorCode } from '../../lib/protocol';
import type { ParticipantInfo, ProtocolError } from '../../lib/protocol';
import { AppError } from '../errors';
import type { MediaServerClient } from '../kurento/client';
import type { KurentoIceCandidate, MediaPipeline, WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import type { MuteState } from './participant';
import { Participant } from './participant';

export interface RoomEvents {
  /** `reason` is set when the room ended for everyone without their asking. */
  closed: [reason: ProtocolError | undefined];
}

/**
 * How a member hears of the room. The room calls it directly, from the moment the member is added
 * (in the same synchronous step as the snapshot of the others that `join` returns), so no join,
 * leave or change can fall between what the snapshot shows and what the member is told next.
 */
export interface RoomMember {
  participantJoined(participant: ParticipantInfo): void;
  participantLeft(participantId: string): void;
  participantUpdated(participant: ParticipantInfo): void;
  /** The room ended; `reason` is set when it ended for everyone without their asking. */
  roomClosed(reason: ProtocolError | undefined): void;
}

export interface JoinRequest extends MuteState {
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
  /** Joins admitted but not finished: they count against the limit and keep the room open. */
  #pendingJoins = 0;
  #closed = false;
  #closeReason: ProtocolError | undefined;

  constructor(id: string, options: RoomOptions) {
    super();
    this.id = id;
    this.logger = options.logger.child({ roomId: id });
    this.media = options.media;
    this.#maxParticipants = options.maxParticipants;
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

  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  getParticipant(participantId: string): Participant | undefined {
    return this.#participants.get(participantId);
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
  ): Promise<{ participant: Participant; others: ParticipantInfo[] }> {
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
      const id = randomUUID();
      const participant = await Participant.create({
        id,
        pipeline,
        displayName: request.displayName,
        audioMuted: request.audioMuted,
        videoMuted: request.videoMuted,
        logger: this.logger.child({ participantId: id }),
      });
      if (this.#closed || signal.aborted) {
        await participant.close();
        this.#assertOpen();
        throw aborted();
      }
      // One synchronous step: snapshot, membership, announcement (see RoomMember).
      const others = this.participants.map((other) => other.info);
      this.#participants.set(id, participant);
      this.#members.set(id, member);
      participant.logger.info({ displayName: participant.displayName }, 'join() | joined');
      this.#tellOthers(id, (other) => other.participantJoined(participant.info));
      return { participant, others };
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
    const releases = [
      participant.close(),
      ...this.participants.map((other) => other.releaseIncoming(participantId)),
    ];
    participant.logger.info('leave() | left');
    this.#tellOthers(participantId, (other) => other.participantLeft(participantId));
    this.#closeIfEmpty();
    await Promise.all(releases);
  }

  /** Answers `viewerId`'s offer for `senderId`'s media (their own id: what they publish). */
  async offer(viewerId: string, senderId: string, offer: string, replace = false): Promise<string> {
    const viewer = this.#requireMember(viewerId);
    const pipeline = this.#readyPipeline;
    if (senderId === viewerId) {
      if (!replace || !pipeline) return viewer.publish(offer);
      return viewer.republish(offer, pipeline, () => this.#sinksOf(viewerId));
    }
    const sender = this.#requireSender(senderId);
    const source = sender.outgoingEndpoint;
    if (!source || !pipeline) {
      throw new AppError(ErrorCode.UnknownParticipant, 'That participant left.');
    }
    // No await before `receive`: it claims the slot synchronously, ahead of the candidates
    // that follow this offer on the socket.
    return viewer.receive(senderId, source, pipeline, offer, replace);
  }

  addIceCandidate(viewerId: string, senderId: string, candidate: KurentoIceCandidate): void {
    const viewer = this.#requireMember(viewerId);
    if (senderId !== viewerId) this.#requireSender(senderId);
    viewer.addIceCandidate(senderId, candidate);
  }

  setMute(participantId: string, mute: MuteState): void {
    const participant = this.#requireMember(participantId);
    if (participant.setMute(mute)) {
      this.#tellOthers(participantId, (other) => other.participantUpdated(participant.info));
    }
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
    this.logger.info({ reason: reason?.code }, 'close()');
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

  /** Everyone's incoming endpoint for `senderId`. */
  #sinksOf(senderId: string): WebRtcEndpoint[] {
    return this.participants
      .filter((participant) => participant.id !== senderId)
      .flatMap((participant) => participant.incomingEndpointFor(senderId) ?? []);
  }

  #requireMember(participantId: string): Participant {
    const participant = this.#participants.get(participantId);
    if (!participant) throw new AppError(ErrorCode.NotInRoom, 'You are not in this room.');
    return participant;
  }

  #requireSender(senderId: string): Participant {
    const sender = this.#participants.get(senderId);
    if (!sender) {
      throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id in your room.');
    }
    return sender;
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
