import { ErrorCode } from '../../lib/protocol';
import type {
  AccessEvents,
  AccessJoinResult,
  ParticipantInfo,
  Role,
  RoomSettings,
  RoomSettingsRequest,
} from '../../lib/protocol';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { RoomPublications } from '../rooms/room-publications';
import type { HostCredentials } from './credentials';
import { Lobby } from './lobby';
import type { PasswordHash } from './password';
import { hashPassword, verifyPassword } from './password';
import { RoomSpotlight } from './spotlight';
import { Waits } from './waits';

/** What a host keeps muted of one person's camera publication (their microphone, their camera). */
export interface ForcedMute {
  audio: boolean;
  video: boolean;
}

const notForced: ForcedMute = { audio: false, video: false };

/** One access event and its payload, as a member receives it. */
export type AccessDelivery = {
  [E in keyof AccessEvents]: { event: E; payload: Parameters<AccessEvents[E]>[0] };
}[keyof AccessEvents];

/** The part of a room member that hears access events (`RoomMember` extends it). */
export interface AccessMember {
  access(delivery: AccessDelivery): void;
  participantUpdated(participant: ParticipantInfo): void;
}

/** What every room's access needs from the server (app.ts builds it once). */
export interface AccessServices {
  credentials: HostCredentials;
  /** How long a joiner may wait in the lobby or for the password. */
  waitMs: number;
}

export interface RoomAccessOptions {
  roomId: string;
  logger: Logger;
  services: AccessServices;
  /** The room's current members by participant id (the room's own map). */
  members: () => ReadonlyMap<string, AccessMember>;
  /** Everything everyone knows of a participant, role included; undefined when not in the room. */
  infoOf: (participantId: string) => ParticipantInfo | undefined;
  /** The room's publications: the spotlight names one and goes when it stops. */
  publications: Pick<RoomPublications, 'list' | 'observe'>;
  /** How long a lost connection keeps its place (the room's reconnection grace; 0: not kept). */
  graceMs: number;
}

interface Seat {
  role: Role;
  identity: string;
  /** Join order: the longest-present participant is the next host. */
  order: number;
  /** This membership replaced one whose signaling was lost (net's resume). */
  resumed: boolean;
}

/**
 * Who may do what in one room, and its door (owned by `Room`, closed with it): roles, settings
 * (lock, lobby, self-unmute, password hash), the identities removed by a host, the lobby and the
 * joins waiting for the password. Nothing here touches media.
 */
export class RoomAccess {
  readonly #options: RoomAccessOptions;
  readonly #seats = new Map<string, Seat>();
  readonly #banned = new Set<string>();
  /**
   * What hosts forced off, by participant: it holds for whatever camera publication they have or
   * publish later (the publication keeps its own copy for the media server).
   */
  readonly #forced = new Map<string, ForcedMute>();
  /** The forced mutes of people who left, by identity: theirs again when that browser returns. */
  readonly #forcedAway = new Map<string, ForcedMute>();
  readonly #passwordWaits = new Waits();
  readonly lobby: Lobby;
  readonly spotlight: RoomSpotlight;
  #settings = { locked: false, lobby: false, selfUnmute: true };
  #password: PasswordHash | undefined;
  #order = 0;
  #closed = false;

  constructor(options: RoomAccessOptions) {
    this.#options = options;
    this.lobby = new Lobby({
      waitMs: options.services.waitMs,
      keepMs: options.graceMs,
      onChange: () =>
        this.#tellHosts({ event: 'lobby:queue', payload: { waiting: this.lobby.list() } }),
    });
    const { publications } = options;
    this.spotlight = new RoomSpotlight({
      publications: () => publications.list(),
      present: (id) => this.#seats.has(id),
      announce: (spotlight) => this.#tellAll({ event: 'access:spotlight', payload: { spotlight } }),
    });
    publications.observe({
      added: () => undefined,
      removed: (id) => this.spotlight.publicationStopped(id),
    });
  }

  get settings(): RoomSettings {
    return { ...this.#settings, passwordSet: this.#password !== undefined };
  }

  get waitMs(): number {
    return this.#options.services.waitMs;
  }

  roleOf(participantId: string): Role | undefined {
    return this.#seats.get(participantId)?.role;
  }

  identityOf(participantId: string): string | undefined {
    return this.#seats.get(participantId)?.identity;
  }

  /** FORBIDDEN unless `participantId` is a host of this room (the one check of every host power). */
  assertHost(participantId: string): void {
    if (this.roleOf(participantId) !== 'host') {
      throw new AppError(ErrorCode.Forbidden, 'Only a host can do that.');
    }
  }

  /** What a host keeps muted of this person's camera publication. */
  forcedOf(participantId: string): ForcedMute {
    return { ...(this.#forced.get(participantId) ?? notForced) };
  }

  /** Records a host's forced mute (true) or its lifting (false); omitted kinds stay. */
  forced(participantId: string, change: { audio?: boolean; video?: boolean }): void {
    if (!this.#seats.has(participantId)) return;
    const next = { ...this.forcedOf(participantId), ...change };
    if (next.audio || next.video) this.#forced.set(participantId, next);
    else this.#forced.delete(participantId);
  }

  isBanned(identity: string): boolean {
    return this.#banned.has(identity);
  }

  /**
   * In the room's join step, before the others hear of the newcomer. A browser that left while a
   * host kept it muted (a reload, a lost connection resumed) is muted again: leaving is no way out.
   */
  added(participantId: string, role: Role, identity: string, resumed = false): void {
    this.#order += 1;
    this.#seats.set(participantId, { role, identity, order: this.#order, resumed });
    const forced = this.#forcedAway.get(identity);
    this.#forcedAway.delete(identity);
    if (forced) this.#forced.set(participantId, forced);
  }

  /** Right after the join step told the others of the newcomer. */
  announced(participantId: string): void {
    const seat = this.#seats.get(participantId);
    if (seat) this.spotlight.arrived(participantId, seat.identity, seat.resumed);
  }

  /** For the join answer, taken in the same synchronous step as the member is added. */
  snapshotFor(participantId: string): Omit<AccessJoinResult, 'hostCredential'> {
    const role = this.roleOf(participantId) ?? 'participant';
    const spotlight = this.spotlight.current;
    const forced = this.#forced.get(participantId);
    return {
      role,
      settings: this.settings,
      ...(role === 'host' ? { lobby: this.lobby.list() } : {}),
      ...(spotlight ? { spotlight } : {}),
      ...(forced ? { forced: { ...forced } } : {}),
    };
  }

  /**
   * After the room removed a participant: a host's mute of theirs waits for their browser's
   * return, a spotlight on them goes, and when no host is left the longest-present one is.
   */
  left(participantId: string): void {
    const seat = this.#seats.get(participantId);
    if (!seat) return;
    this.#seats.delete(participantId);
    const forced = this.#forced.get(participantId);
    this.#forced.delete(participantId);
    if (forced) this.#forcedAway.set(seat.identity, forced);
    this.spotlight.left(participantId, seat.identity);
    if (this.#seats.size === 0) return;
    if ([...this.#seats.values()].some((seat) => seat.role === 'host')) return;
    const [nextId] = [...this.#seats.entries()].sort((a, b) => a[1].order - b[1].order)[0]!;
    this.#makeHost(nextId, 'handover');
  }

  /** Makes `participantId` host too; UNKNOWN_PARTICIPANT when they are not in the room. */
  promote(participantId: string): void {
    const seat = this.#requireSeat(participantId);
    if (seat.role !== 'host') this.#makeHost(participantId, 'promoted');
  }

  /** A removed person stays out of this meeting (same browser identity) while the room lives. */
  ban(participantId: string): void {
    this.#banned.add(this.#requireSeat(participantId).identity);
  }

  /** Applies a host's change; everyone hears the new settings. */
  async update(request: RoomSettingsRequest): Promise<RoomSettings> {
    // The hash first: nothing changes when the request fails or the room closes meanwhile.
    const password =
      typeof request.password === 'string' ? await hashPassword(request.password) : undefined;
    if (this.#closed) throw new AppError(ErrorCode.NotInRoom, 'The meeting ended.');
    const { locked, lobby, selfUnmute } = request;
    if (locked !== undefined) this.#settings.locked = locked;
    if (selfUnmute !== undefined) this.#settings.selfUnmute = selfUnmute;
    if (lobby !== undefined) this.#settings.lobby = lobby;
    if (request.password === null) this.#password = undefined;
    if (password) this.#password = password;
    // Turning the lobby off lets in whoever was waiting in it.
    if (lobby === false) this.lobby.admitAll();
    const settings = this.settings;
    this.#tellAll({ event: 'access:settings', payload: settings });
    return settings;
  }

  /** True when there is no password, or `attempt` is it. */
  async checkPassword(attempt: string | undefined): Promise<boolean> {
    const stored = this.#password;
    if (!stored) return true;
    if (attempt === undefined) return false;
    return verifyPassword(stored, attempt);
  }

  /** A join waiting for the password: resolved by the caller once a right one came. */
  holdForPassword(signal: AbortSignal): ReturnType<Waits['hold']> {
    return this.#passwordWaits.hold({
      signal,
      timeoutMs: this.waitMs,
      timeout: new AppError(ErrorCode.LobbyTimeout, 'No password was given in time.'),
    });
  }

  /** One member only (a host power's notice to its target). */
  tell(participantId: string, delivery: AccessDelivery): void {
    const member = this.#options.members().get(participantId);
    if (member) this.#tell(member, (m) => m.access(delivery));
  }

  /** The room closed: whoever waits at the door is told the meeting is over. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ended = new AppError(ErrorCode.MeetingEnded, 'The meeting ended.');
    this.lobby.close(ended);
    this.#passwordWaits.close(ended);
    this.#seats.clear();
    this.#banned.clear();
    this.#forced.clear();
    this.#forcedAway.clear();
    this.spotlight.close();
  }

  #requireSeat(participantId: string): Seat {
    const seat = this.#seats.get(participantId);
    if (!seat) {
      throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id here.');
    }
    return seat;
  }

  #makeHost(participantId: string, reason: 'promoted' | 'handover'): void {
    const seat = this.#seats.get(participantId);
    if (!seat) return;
    seat.role = 'host';
    const info = this.#options.infoOf(participantId);
    for (const member of this.#options.members().values()) {
      this.#tell(member, (m) => {
        if (info) m.participantUpdated(info);
        m.access({ event: 'access:role', payload: { participantId, role: 'host', reason } });
      });
    }
    // The new host keeps the role across a reload, and sees who waits.
    this.tell(participantId, { event: 'lobby:queue', payload: { waiting: this.lobby.list() } });
    const { roomId, services, logger } = this.#options;
    services.credentials.issue(roomId, { identity: seat.identity, host: true }).then(
      (hostCredential) =>
        this.tell(participantId, { event: 'access:credential', payload: { hostCredential } }),
      (error: unknown) => logger.error({ err: error }, 'makeHost() | credential failed'),
    );
  }

  #tellAll(delivery: AccessDelivery): void {
    for (const member of this.#options.members().values()) {
      this.#tell(member, (m) => m.access(delivery));
    }
  }

  #tellHosts(delivery: AccessDelivery): void {
    for (const [id, member] of this.#options.members()) {
      if (this.roleOf(id) === 'host') this.#tell(member, (m) => m.access(delivery));
    }
  }

  /** One member failing to take an event must not keep it from the others. */
  #tell(member: AccessMember, tell: (member: AccessMember) => void): void {
    try {
      tell(member);
    } catch (error) {
      this.#options.logger.error({ err: error }, 'tell() | a member failed to take an event');
    }
  }
}
