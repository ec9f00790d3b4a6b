import type { Socket } from 'socket.io';

import {
  ErrorCode,
  addIceCandidateSchema,
  joinRoomSchema,
  sdpOfferSchema,
  setMuteSchema,
} from '../../lib/protocol';
import type {
  ClientToServerEvents,
  JoinRoomResult,
  ProtocolError,
  SdpAnswerResult,
  ServerToClientEvents,
} from '../../lib/protocol';
import type { AdmissionControl } from '../access/admission';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Participant } from '../rooms/participant';
import type { Room } from '../rooms/room';
import type { IceConfig } from '../turn/ice-config';
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
  /** Who may join and as what (server/access): tokens, host credentials. */
  admission: AdmissionControl;
}

type State =
  | { kind: 'idle' }
  | { kind: 'joining'; signal: { aborted: boolean } }
  | {
      kind: 'joined';
      room: Room;
      participant: Participant;
      member: SocketRoomMember;
      detach: () => void;
    };

/** An ICE candidate line (RFC 8839 `candidate-attribute`, with or without the `a=` prefix). */
const candidateLine = /^(a=)?candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ \S+/;

/**
 * One socket's view of the call: idle → joining → joined. Each request method validates its
 * payload, checks the state and re-checks it after every await.
 */
export class SignalingSession {
  readonly #socket: SignalingSocket;
  readonly #deps: SessionDeps;
  readonly #logger: Logger;
  #state: State = { kind: 'idle' };

  constructor(socket: SignalingSocket, deps: SessionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.#logger = deps.logger.child({ socketId: socket.id });
  }

  get participantId(): string | undefined {
    return this.#state.kind === 'joined' ? this.#state.participant.id : undefined;
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
    this.#state = { kind: 'joining', signal };
    let joinedParticipant: Participant | undefined;
    const member = new SocketRoomMember(this.#socket, (reason) =>
      this.#roomClosed(joinedParticipant, reason),
    );
    try {
      const roomIsOpen = this.#deps.rooms.get(request.roomId) !== undefined;
      const admission = await this.#deps.admission.admit(request, roomIsOpen);
      if (signal.aborted) throw new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
      const room = this.#deps.rooms.getOrCreate(request.roomId);
      const { participant, others } = await room.join(
        { ...request, displayName: admission.displayName },
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
      this.#deps.metrics.joinSeconds((performance.now() - started) / 1000);
      return {
        selfId: participant.id,
        roomId: room.id,
        participants: others,
        ...this.#deps.iceConfig(participant.id),
        access: {
          role: admission.role,
          ...(admission.hostCredential ? { hostCredential: admission.hostCredential } : {}),
        },
      };
    } catch (error) {
      member.discard();
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

  async offer(payload: unknown): Promise<SdpAnswerResult> {
    const request = parsePayload(sdpOfferSchema, payload);
    const { room, participant } = this.#joined();
    const sdp = await room.offer(participant.id, request.senderId, request.sdp, request.replace);
    this.#stillJoined(participant);
    return { sdp };
  }

  iceCandidate(payload: unknown): null {
    const request = parsePayload(addIceCandidateSchema, payload);
    const { room, participant } = this.#joined();
    const { candidate, sdpMid, sdpMLineIndex } = request.candidate;
    if (candidate === '') {
      // End of candidates: Kurento has no use for it, but the sender must still be valid.
      if (request.senderId !== participant.id && !room.getParticipant(request.senderId)) {
        this.#unknownSender();
      }
      return null;
    }
    if (!candidateLine.test(candidate)) {
      throw new AppError(ErrorCode.BadRequest, 'candidate: not an ICE candidate line');
    }
    room.addIceCandidate(participant.id, request.senderId, {
      candidate: candidate.startsWith('a=') ? candidate.slice(2) : candidate,
      sdpMid: sdpMid ?? '0',
      sdpMLineIndex: sdpMLineIndex ?? 0,
    });
    return null;
  }

  mute(payload: unknown): null {
    const request = parsePayload(setMuteSchema, payload);
    const { room, participant } = this.#joined();
    room.setMute(participant.id, request);
    return null;
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
        return null;
      }
      case 'joined': {
        state.detach();
        await state.room.leave(state.participant.id);
        return null;
      }
    }
  }

  /** The socket is gone. */
  disconnect(): void {
    this.leave().catch((error: unknown) =>
      this.#logger.error({ err: error }, 'disconnect() | leave failed'),
    );
  }

  /** The room ended while `participant` (if the join got that far) was in it. */
  #roomClosed(participant: Participant | undefined, reason: ProtocolError | undefined): void {
    if (this.#state.kind === 'joined' && this.#state.participant === participant) {
      this.#state.detach();
      this.#state = { kind: 'idle' };
    }
    if (reason) {
      this.#deps.metrics.error(reason.code);
      this.#socket.emit('room:closed', reason);
    }
  }

  /** Forwards my participant's media events to my socket; returns the undo, which ends `member`. */
  #attach(participant: Participant, member: SocketRoomMember): () => void {
    const socket = this.#socket;
    const onCandidate = (senderId: string, candidate: ParticipantCandidate): void => {
      socket.emit('ice:candidate', { senderId, candidate });
    };
    const onMediaError = (senderId: string, type: string): void => {
      this.#deps.metrics.error(ErrorCode.MediaError);
      socket.emit('call:error', {
        code: ErrorCode.MediaError,
        message: `The media server reported ${type} on this connection.`,
        senderId,
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

  #joined(): { room: Room; participant: Participant } {
    if (this.#state.kind !== 'joined') {
      throw new AppError(ErrorCode.NotInRoom, 'Join a room first.');
    }
    return this.#state;
  }

  #stillJoined(participant: Participant): void {
    if (this.#state.kind !== 'joined' || this.#state.participant !== participant) {
      throw new AppError(ErrorCode.NotInRoom, 'You left the room while the request ran.');
    }
  }

  #unknownSender(): never {
    throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id in your room.');
  }
}

type ParticipantCandidate = Parameters<ServerToClientEvents['ice:candidate']>[0]['candidate'];
