import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HostMuteRequest,
  HostSpotlightRequest,
  JoinRoomResult,
  ParticipantInfo,
  PublicationInfo,
  Result,
  RoomSettings,
  RoomSettingsRequest,
  ServerToClientEvents,
  Spotlight,
} from '../protocol';
import { storeHostCredential } from '../call/hostCredential';
import type { AccessStoreApi } from './accessStore';
import { defaultSettings, lockedByHost } from './accessStore';

type AccessSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const requestTimeoutMs = 10_000;
const noticeMs = 6000;

/** A refused access request, with the server's code (the UI words it by code). */
export class AccessRequestError extends Error {
  readonly code: string;
  constructor(error: { code: string; message: string }) {
    super(error.message);
    this.name = 'AccessRequestError';
    this.code = error.code;
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AccessRequestError(result.error);
  return result.data;
}

export interface AccessClientOptions {
  roomId: string;
  /** A host muted me: my own controls follow, so my unmute is what lifts it. */
  muteSelf: (kinds: { audio: boolean; video: boolean }) => void;
  /** The host's spotlight as a tile key for the stage (null: none). */
  showSpotlight: (tileKey: string | null) => void;
  /** The tile key of my own screen share (its server id is not my tile's key). */
  localScreenKey: string;
}

/**
 * Roles, room settings, the lobby and host powers for one call, beside `CallSession` on the same
 * socket (a `CallExtension`). The server decides everything; this keeps what it said in the
 * access store and sends the host's requests.
 */
export class AccessClient {
  readonly store: AccessStoreApi;
  readonly #options: AccessClientOptions;
  #socket: AccessSocket | null = null;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The others' camera publications by id, for "muted by the host" (`hostMuted`). */
  readonly #cameras = new Map<string, PublicationInfo>();
  /** My place in the lobby, kept through a lost connection (the next join presents it). */
  #lobbyTicket: string | undefined;

  constructor(store: AccessStoreApi, options: AccessClientOptions) {
    this.store = store;
    this.#options = options;
  }

  attach(socket: AccessSocket): void {
    this.#socket = socket;
    const state = () => this.store.getState();
    socket.on('participant:joined', (info) => {
      state().setRole(info.id, info.role);
      this.#addCameras(info);
    });
    socket.on('participant:updated', (info) => state().setRole(info.id, info.role));
    socket.on('participant:left', ({ participantId }) => {
      for (const [id, camera] of this.#cameras) {
        if (camera.participantId === participantId) this.#cameras.delete(id);
      }
      this.#refreshHostMuted();
    });
    socket.on('access:settings', (settings) => state().patch({ settings }));
    socket.on('access:spotlight', ({ spotlight }) => this.#spotlight(spotlight));
    socket.on('publication:added', (publication) => this.#camera(publication));
    socket.on('publication:removed', ({ publicationId }) => {
      if (this.#cameras.delete(publicationId)) this.#refreshHostMuted();
    });
    socket.on('publication:updated', (publication) => {
      if (publication.participantId !== state().selfId) {
        this.#camera(publication);
        return;
      }
      // My own camera: what a host forces off of it, or lifts (my unmute, or a host's).
      if (publication.source !== 'camera') return;
      const before = state();
      const locked = { audio: lockedByHost(before, 'audio'), video: lockedByHost(before, 'video') };
      const forced = {
        audio: publication.hostMuted?.audio === true,
        video: publication.hostMuted?.video === true,
      };
      state().patch({ forcedSelf: forced });
      // Only a host can lift a lock (self-unmute off), so this is theirs: say so, as the muting was.
      const allowed = {
        audio: locked.audio && !forced.audio,
        video: locked.video && !forced.video,
      };
      if (allowed.audio || allowed.video) this.#notice({ kind: 'allowed', ...allowed });
    });
    socket.on('lobby:queue', ({ waiting }) => state().patch({ lobby: waiting }));
    socket.on('access:waiting', ({ reason, wrong, ticket }) => {
      if (ticket) this.#lobbyTicket = ticket;
      state().patch({ waiting: { reason, wrong: wrong === true } });
    });
    socket.on('access:credential', ({ hostCredential }) =>
      storeHostCredential(this.#options.roomId, hostCredential),
    );
    socket.on('access:role', ({ participantId, role }) => {
      state().setRole(participantId, role);
      if (role === 'host') this.#notice({ kind: 'host', participantId });
    });
    socket.on('access:muted', (event) => {
      const forced = state().forcedSelf;
      state().patch({
        forcedSelf: { audio: forced.audio || event.audio, video: forced.video || event.video },
      });
      this.#options.muteSelf(event);
      this.#notice({ kind: 'muted', ...event });
    });
  }

  joinFields(): { lobbyTicket?: string } {
    return this.#lobbyTicket ? { lobbyTicket: this.#lobbyTicket } : {};
  }

  /** Each (re)join's answer: my role, everyone's, the settings and (for a host) the lobby. */
  joined(result: JoinRoomResult): void {
    this.#lobbyTicket = undefined;
    const roles = Object.fromEntries(
      result.participants.map((p) => [p.id, p.role ?? 'participant'] as const),
    );
    const role = result.access?.role ?? 'participant';
    const forced = result.access?.forced ?? { audio: false, video: false };
    this.store.getState().patch({
      selfId: result.selfId,
      roles: { ...roles, [result.selfId]: role },
      settings: result.access?.settings ?? defaultSettings,
      lobby: result.access?.lobby ?? [],
      waiting: null,
      forcedSelf: forced,
    });
    this.#cameras.clear();
    result.participants.forEach((info) => this.#addCameras(info));
    this.#spotlight(result.access?.spotlight ?? null);
    // Back after a reload or a lost connection while a host kept me muted: my controls follow.
    if (forced.audio || forced.video) this.#options.muteSelf(forced);
  }

  ended(): void {
    clearTimeout(this.#noticeTimer);
    this.store.getState().patch({ waiting: null, notice: null });
    this.#cameras.clear();
    this.#lobbyTicket = undefined;
    this.#socket = null;
  }

  dismissNotice(): void {
    clearTimeout(this.#noticeTimer);
    this.store.getState().patch({ notice: null });
  }

  async submitPassword(password: string): Promise<void> {
    try {
      unwrap(await this.#timed().emitWithAck('access:password', { password }));
      this.store.getState().patch({ waiting: null });
    } catch (error) {
      if (error instanceof AccessRequestError && error.code === 'PASSWORD_WRONG') {
        this.store.getState().patch({ waiting: { reason: 'password', wrong: true } });
      }
      throw error;
    }
  }

  async mute(request: HostMuteRequest): Promise<void> {
    unwrap(await this.#timed().emitWithAck('host:mute', request));
  }

  async spotlight(request: HostSpotlightRequest): Promise<void> {
    this.#spotlight(unwrap(await this.#timed().emitWithAck('host:spotlight', request)));
  }

  async remove(participantId: string): Promise<void> {
    unwrap(await this.#timed().emitWithAck('host:remove', { participantId }));
  }

  async lowerHand(participantId: string): Promise<void> {
    unwrap(await this.#timed().emitWithAck('host:lower-hand', { participantId }));
  }

  async promote(participantId: string): Promise<void> {
    unwrap(await this.#timed().emitWithAck('host:promote', { participantId }));
  }

  async updateSettings(request: RoomSettingsRequest): Promise<RoomSettings> {
    const settings: RoomSettings = unwrap(
      await this.#timed().emitWithAck('host:settings', request),
    );
    this.store.getState().patch({ settings });
    return settings;
  }

  async endForAll(): Promise<void> {
    // The ack is the only argument, which socket.io's typings cannot infer a result for.
    unwrap((await this.#timed().emitWithAck('host:end')) as Result<null>);
  }

  async admit(waitingId: string): Promise<void> {
    unwrap(await this.#timed().emitWithAck('lobby:admit', { waitingId }));
  }

  async deny(waitingId: string): Promise<void> {
    unwrap(await this.#timed().emitWithAck('lobby:deny', { waitingId }));
  }

  #spotlight(spotlight: Spotlight | null): void {
    this.store.getState().patch({ spotlight });
    const mine = spotlight?.participantId === this.store.getState().selfId;
    const key = spotlight?.publicationId
      ? mine
        ? this.#options.localScreenKey
        : spotlight.publicationId
      : (spotlight?.participantId ?? null);
    this.#options.showSpotlight(key);
  }

  #addCameras(info: ParticipantInfo): void {
    info.publications.forEach((publication) => this.#camera(publication, false));
    this.#refreshHostMuted();
  }

  #camera(publication: PublicationInfo, refresh = true): void {
    if (publication.source !== 'camera') return;
    this.#cameras.set(publication.id, publication);
    if (refresh) this.#refreshHostMuted();
  }

  #refreshHostMuted(): void {
    const hostMuted: Record<string, { audio: boolean; video: boolean }> = {};
    for (const camera of this.#cameras.values()) {
      if (camera.hostMuted) hostMuted[camera.participantId] = { ...camera.hostMuted };
    }
    this.store.getState().patch({ hostMuted });
  }

  #notice(notice: NonNullable<ReturnType<AccessStoreApi['getState']>['notice']>): void {
    clearTimeout(this.#noticeTimer);
    this.store.getState().patch({ notice });
    this.#noticeTimer = setTimeout(() => this.store.getState().patch({ notice: null }), noticeMs);
  }

  #timed() {
    if (!this.#socket?.connected) {
      throw new AccessRequestError({ code: 'NOT_IN_ROOM', message: 'Not connected.' });
    }
    return this.#socket.timeout(requestTimeoutMs);
  }
}
