import { ErrorCode } from '../../lib/protocol';
import type { JoinWait, ProtocolError, Role } from '../../lib/protocol';
import { AppError } from '../errors';
import type { Room } from '../rooms/room';
import type { Admission, AdmissionControl, AdmissionRequest } from './admission';

export interface DoorRequest extends AdmissionRequest {
  password?: string | undefined;
  lobbyTicket?: string | undefined;
}

/** How the gate talks to the socket whose join waits (it is in no room yet: no `RoomMember`). */
export interface Doorstep {
  /** `ticket`: of a lobby wait, to present again after a lost connection. */
  waiting(reason: JoinWait, wrong: boolean, ticket?: string): void;
  /** While waiting for the password, each `access:password` comes here (null: stop listening). */
  onPassword(check: ((password: string) => Promise<void>) | null): void;
}

/** What the join's prepared-before-click work may learn (contract 5) without waiting. */
export type AdmissionCheck =
  | { admitted: true; role: Role }
  | { admitted: false; wait: JoinWait }
  | { admitted: false; error: ProtocolError };

/**
 * The door of every room, run by `room:join` before the room is touched: who the joiner is
 * (`AdmissionControl`), whether they were removed, whether the room is locked, its password, its
 * lobby. A host (creator, credential, token) walks past lock, password and lobby. A joiner who
 * waits is in no room: no media object, no events, invisible to all but the hosts' lobby list.
 */
export class AccessGate {
  readonly #admission: AdmissionControl;

  constructor(admission: AdmissionControl) {
    this.#admission = admission;
  }

  get admission(): AdmissionControl {
    return this.#admission;
  }

  /**
   * Resolves when the joiner may enter `room` (undefined: they open it and are its host); throws
   * the refusal (REMOVED, ROOM_LOCKED, LOBBY_DENIED, LOBBY_TIMEOUT, MEETING_ENDED, TOKEN_*).
   */
  async enter(
    request: DoorRequest,
    room: Room | undefined,
    doorstep: Doorstep,
    signal: AbortSignal,
  ): Promise<Admission> {
    const admission = await this.#admission.admit(request, room !== undefined);
    if (!room || room.closed) return admission;
    const access = room.access;
    if (access.isBanned(admission.identity)) throw removed();
    if (admission.role === 'host') return admission;
    if (access.settings.locked) throw locked();
    if (!(await access.checkPassword(request.password))) {
      await this.#waitForPassword(room, request.password !== undefined, doorstep, signal);
      if (room.access.settings.locked) throw locked();
    }
    if (room.access.settings.lobby) {
      const held = room.access.lobby.wait(admission.displayName, signal, request.lobbyTicket);
      if (held.pending) doorstep.waiting('lobby', false, held.ticket);
      await held.promise;
    }
    if (signal.aborted) throw new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
    return admission;
  }

  /** Would this join get in at once? Creates nothing and waits for nothing (contract 5). */
  async check(request: DoorRequest, room: Room | undefined): Promise<AdmissionCheck> {
    try {
      const admission = await this.#admission.admit(request, room !== undefined);
      if (!room || room.closed) return { admitted: true, role: admission.role };
      const access = room.access;
      if (access.isBanned(admission.identity)) return { admitted: false, error: removed() };
      if (admission.role === 'host') return { admitted: true, role: 'host' };
      if (access.settings.locked) return { admitted: false, error: locked() };
      if (access.settings.passwordSet) return { admitted: false, wait: 'password' };
      if (access.settings.lobby) return { admitted: false, wait: 'lobby' };
      return { admitted: true, role: admission.role };
    } catch (error) {
      if (error instanceof AppError) return { admitted: false, error: error.toProtocol() };
      throw error;
    }
  }

  async #waitForPassword(
    room: Room,
    wrong: boolean,
    doorstep: Doorstep,
    signal: AbortSignal,
  ): Promise<void> {
    const held = room.access.holdForPassword(signal);
    doorstep.onPassword(async (password) => {
      if (!(await room.access.checkPassword(password))) {
        throw new AppError(ErrorCode.PasswordWrong, 'That password is not right.');
      }
      held.resolve();
    });
    doorstep.waiting('password', wrong);
    try {
      await held.promise;
    } finally {
      doorstep.onPassword(null);
    }
  }
}

function removed(): AppError {
  return new AppError(ErrorCode.Removed, 'A host removed you from this meeting.');
}

function locked(): AppError {
  return new AppError(ErrorCode.RoomLocked, 'This meeting is locked.');
}
