import type { Socket } from 'socket.io';

import { ErrorCode, joinRoomSchema } from '../../lib/protocol';
import type {
  ClientToServerEvents,
  JoinRoomResult,
  ProtocolError,
  ServerToClientEvents,
  SubscriptionAnswer,
} from '../../lib/protocol';
import type { AccessGate, Doorstep } from '../access/gate';
import { connectionLost } from '../access/lobby';
import { AppError, toAppError } from '../errors';
import type { Logger } from '../logger';
import type { RoomMeeting } from '../meeting/room-meeting';
import type { Metrics } from '../metrics';
import type { Recordings } from '../recording/recordings';
import { type JoinSubscriptionOutcome, subscribeAtJoin } from '../rooms/join-subscriptions';
import { PreparedReceivers } from '../rooms/prepared-receivers';
import type { Participant } from '../rooms/participant';
import type { Room } from '../rooms/room';
import type { IceConfig } from '../turn/ice-config';
import type { AbuseGuard } from '../limits/guard';
import { transportLost } from './disconnectReason';
import type { RoomManager } from '../rooms/room-manager';
import { SocketRoomMember } from './socket-member';
import { parsePayload } from './validate';

export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SessionDeps {
  rooms: RoomManager;
  metrics: Metrics;
  logger: Logger;
  /** ICE servers (with a freshly minted TURN pair) and transport policy for one participant. */
  iceConfig(participantId: string): IceConfig;
  isShuttingDown(): boolean;
  /** Recording (issue 14): its state goes into the join answer. */
  recordings?: Recordings;
  /** Who may join and as what (server/access): tokens, credentials, lock, password, lobby. */
  access: AccessGate;
  /**
   * Several instances (server/cluster): a room that ended for this `reason` is served again
   * elsewhere, so the socket is closed (the browser reconnects and rejoins) instead of being told
   * the call is over. Absent: one process, the room's end is final.
   */
  rejoinElsewhere?: (reason: ProtocolError) => boolean;
  /** The browser's address as the limits see it (TRUST_PROXY); absent: the socket's own. */
  guard?: Pick<AbuseGuard, 'addressOf'>;
}

type State =
  | { kind: 'idle' }
  | { kind: 'joining'; signal: { aborted: boolean }; cancel: AbortController }
  | {
      kind: 'joined';
      room: Room;
      participant: Participant;
      member: SocketRoomMember;
      detach: () => void;
    };

/**
 * One socket's view of the call: idle → joining → joined. Each request method validates its
 * payload, checks the state and re-checks it after every await.
 */
export class SignalingSession {
  readonly #socket: SignalingSocket;
  readonly #deps: SessionDeps;
  readonly #logger: Logger;
  #state: State = { kind: 'idle' };
  #passwordCheck: ((password: string) => Promise<void>) | undefined;
  /** Receive endpoints this socket's prejoin made before its click (prejoin-handlers.ts). */
  readonly receivers: PreparedReceivers;

  constructor(socket: SignalingSocket, deps: SessionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.#logger = deps.logger.child({ socketId: socket.id });
    this.receivers = new PreparedReceivers(this.#logger, (index, candidate) =>
      socket.emit('prejoin:candidate', { index, candidate }),
    );
  }

  get participantId(): string | undefined {
    return this.#state.kind === 'joined' ? this.#state.participant.id : undefined;
  }

  /** My room's chat, hands and reactions while joined (meeting-handlers.ts). */
  get meeting(): RoomMeeting | undefined {
    return this.#state.kind === 'joined' ? this.#state.room.meeting : undefined;
  }

  async join(payload: unknown): Promise<JoinRoomResult> {
    const request = parsePayload(joinRoomSchema, payload);
    if (this.#deps.isShuttingDown()) {
      throw new AppError(ErrorCode.ShuttingDown, 'The server is shutting down.');
    }
    if (this.#state.kind !== 'idle') {
      throw new AppError(ErrorCode.AlreadyInRoom, 'This connection already joined a room.');
    }
    const started = performance.now();
    const signal = { aborted: false };
    const cancel = new AbortController();
    this.#state = { kind: 'joining', signal, cancel };
    let joinedParticipant: Participant | undefined;
    const member = new SocketRoomMember(this.#socket, (reason) =>
      this.#roomClosed(joinedParticipant, reason),
    );
    try {
      // The door (lock, password, lobby) comes before the room is touched: a joiner who waits
      // is in no room and owns no media object.
      const open = this.#deps.rooms.get(request.roomId);
      const admission = await this.#deps.access.enter(request, open, this.#doorstep, cancel.signal);
      if (signal.aborted) throw new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
      const room = this.#deps.rooms.getOrCreate(request.roomId);
      const { participant, others, meeting, access, kept } = await room.join(
        {
          displayName: admission.displayName,
          access: admission,
          resume: request.resume,
          address:
            this.#deps.guard?.addressOf(this.#socket.request) ?? this.#socket.handshake.address,
        },
        signal,
        member,
      );
      if (signal.aborted) {
        member.discard();
        await room.leave(participant.id);
        throw new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
      }
      joinedParticipant = participant;
      const detach = this.#attach(participant, member);
      this.#state = { kind: 'joined', room, participant, member, detach };
      // What was prepared before the click is fed (or negotiated) now, while the answer is finished.
      const receivers = this.receivers.take(room.id);
      const offers = request.offers ?? [];
      const preparedSubscriptions =
        receivers.length + offers.length > 0
          ? subscribeAtJoin(room, participant.id, others, { receivers, offers }, (outcome) =>
              member.subscriptionAnswer(this.#answerOf(outcome)),
            )
          : undefined;
      this.#deps.metrics.joinSeconds((performance.now() - started) / 1000);
      return {
        selfId: participant.id,
        roomId: room.id,
        participants: others,
        meeting,
        ...(this.#deps.recordings ? { recording: this.#deps.recordings.state(room) } : {}),
        ...this.#deps.iceConfig(participant.id),
        resumeToken: participant.resumeToken,
        ...(kept ? { resumed: true } : {}),
        ...(preparedSubscriptions ? { preparedSubscriptions } : {}),
        access: {
          ...access,
          hostCredential: await this.#deps.access.admission.hostCredentials.issue(room.id, {
            identity: admission.identity,
            host: access.role === 'host',
          }),
        },
      };
    } catch (error) {
      member.discard();
      void this.receivers.release();
      throw error;
    } finally {
      if (this.#state.kind === 'joining' && this.#state.signal === signal) {
        this.#state = { kind: 'idle' };
      }
    }
  }

  /**
   * Called right after a request's answer went out on the socket. After a join, room events held
   * since the room's snapshot are sent now, so they reach the client after the answer.
   */
  answered(): void {
    if (this.#state.kind === 'joined') this.#state.member.release();
  }

  /** Idempotent: leaving when not in a room is fine; leaving during a join cancels it. */
  async leave(): Promise<null> {
    const state = this.#state;
    this.#state = { kind: 'idle' };
    switch (state.kind) {
      case 'idle': {
        return null;
      }
      case 'joining': {
        state.signal.aborted = true;
        state.cancel.abort();
        return null;
      }
      case 'joined': {
        state.detach();
        await state.room.leave(state.participant.id);
        return null;
      }
    }
  }

  /**
   * The socket is gone. Lost on the way (heartbeat unanswered, transport error) rather than closed
   * by the browser, a joined participant gets the room's grace period (net, issue 16).
   */
  disconnect(reason?: string): void {
    // A prejoin abandoned with its tab: what it prepared goes with it.
    void this.receivers.release();
    const state = this.#state;
    const lost =
      reason === 'ping timeout' || reason === 'transport error' || reason === transportLost;
    if (state.kind === 'joined' && lost) {
      this.#state = { kind: 'idle' };
      state.detach();
      state.room.lose(state.participant.id);
      return;
    }
    if (state.kind === 'joining' && lost) {
      // A join waiting in the lobby keeps its place for the reconnection (access/lobby.ts).
      this.#state = { kind: 'idle' };
      state.signal.aborted = true;
      state.cancel.abort(connectionLost);
      return;
    }
    this.leave().catch((error: unknown) =>
      this.#logger.error({ err: error }, 'disconnect() | leave failed'),
    );
  }

  /** While my join waits for the room's password: checks one (PASSWORD_WRONG when it is not). */
  async password(password: string): Promise<null> {
    if (!this.#passwordCheck) {
      throw new AppError(ErrorCode.BadRequest, 'No join is waiting for a password.');
    }
    await this.#passwordCheck(password);
    return null;
  }

  /** What the browser hears of one of its join's offers; a failure is logged as a request's is. */
  #answerOf(outcome: JoinSubscriptionOutcome): SubscriptionAnswer {
    if ('sdp' in outcome) return outcome;
    const error = toAppError(outcome.error);
    this.#deps.metrics.error(error.code);
    const level = error.code === ErrorCode.Internal ? 'error' : 'debug';
    this.#logger[level](
      { err: outcome.error, code: error.code, publicationId: outcome.publicationId },
      'join() | a prepared subscription failed',
    );
    return { publicationId: outcome.publicationId, error: error.toProtocol() };
  }

  /** The waiting joiner is told through its own socket (it is no room member yet). */
  readonly #doorstep: Doorstep = {
    waiting: (reason, wrong, ticket) => {
      // Nothing prepared may wait at the door (the room got a lobby or a password since).
      void this.receivers.release();
      this.#socket.emit('access:waiting', {
        reason,
        ...(wrong ? { wrong } : {}),
        ...(ticket ? { ticket } : {}),
      });
    },
    onPassword: (check) => {
      this.#passwordCheck = check ?? undefined;
    },
  };

  /** The room ended while `participant` (if the join got that far) was in it. */
  #roomClosed(participant: Participant | undefined, reason: ProtocolError | undefined): void {
    if (this.#state.kind === 'joined' && this.#state.participant === participant) {
      this.#state.detach();
      this.#state = { kind: 'idle' };
    }
    if (reason && this.#deps.rejoinElsewhere?.(reason)) {
      this.#socket.disconnect(true);
      return;
    }
    if (reason) {
      this.#deps.metrics.error(reason.code);
      this.#socket.emit('room:closed', reason);
    }
  }

  /** Forwards my participant's media events to my socket; returns the undo, which ends `member`. */
  #attach(participant: Participant, member: SocketRoomMember): () => void {
    const socket = this.#socket;
    const onCandidate = (publicationId: string, candidate: ParticipantCandidate): void => {
      socket.emit('ice:candidate', { publicationId, candidate });
    };
    const onMediaError = (publicationId: string, type: string): void => {
      this.#deps.metrics.error(ErrorCode.MediaError);
      socket.emit('call:error', {
        code: ErrorCode.MediaError,
        message: `The media server reported ${type} on this connection.`,
        publicationId,
      });
    };
    participant.on('iceCandidate', onCandidate);
    participant.on('mediaError', onMediaError);
    return () => {
      member.discard();
      participant.off('iceCandidate', onCandidate);
      participant.off('mediaError', onMediaError);
    };
  }

  /** My room and participant; NOT_IN_ROOM before a join (for every handler that needs a room). */
  joined(): { room: Room; participant: Participant } {
    if (this.#state.kind !== 'joined') {
      throw new AppError(ErrorCode.NotInRoom, 'Join a room first.');
    }
    return this.#state;
  }

  /** After an await: NOT_IN_ROOM when I left (or rejoined) while the request ran. */
  stillJoined(participant: Participant): void {
    if (this.#state.kind !== 'joined' || this.#state.participant !== participant) {
      throw new AppError(ErrorCode.NotInRoom, 'You left the room while the request ran.');
    }
  }
}

type ParticipantCandidate = Parameters<ServerToClientEvents['ice:candidate']>[0]['candidate'];
