import { ErrorCode, type JoinRoomResult, type PublicationSource } from '../protocol';
import type { CallStoreApi } from '../store/createCallStore';
import type { PeerConnectionState } from '../store/types';
import { storeHostCredential, storedHostCredential } from './hostCredential';
import { CallRequestError, toCallError } from './CallError';
import { DeferredLifecycle } from './DeferredLifecycle';
import { LocalControls } from './LocalControls';
import { LocalPublications } from './LocalPublications';
import { LocalTracks } from './LocalTracks';
import type { IceSettings } from './OutgoingPublication';
import { PlannedRestart } from './PlannedRestart';
import { CallNetwork } from './recovery/CallNetwork';
import { Roster } from './Roster';
import { listenToRoom } from './roomEvents';
import { SignalingClient } from './SignalingClient';
import { SpeakingMonitor, type VoiceLink } from './SpeakingMonitor';
import { StreamRegistry } from './StreamRegistry';
import { Subscriptions, type TileSize } from './Subscriptions';
import { extensionJoinFields } from './CallExtension';
import type { CallSessionOptions } from './CallSessionOptions';
import { RejoinPacer } from './recovery/RejoinPacer';
import { LocalScreenShare, localScreenId } from './LocalScreenShare';

/** A restart announced only by SHUTTING_DOWN (no `server:restarting`): wait this long first. */
const defaultRestartWaitMs = 2000;
export { localScreenId } from './LocalScreenShare';
export type { CallSessionOptions, JoinChoice } from './CallSessionOptions';

/**
 * The call without React: owns the socket and the room membership; my publications
 * (`LocalPublications`) and what I watch (`Subscriptions`, one connection per publication) do
 * the media. It writes plain snapshots to the store; streams live in `streams`.
 */
export class CallSession {
  readonly streams = new StreamRegistry();
  /** Recovery from lost paths, connection quality (issue 16). */
  readonly network: CallNetwork;
  readonly #store: CallStoreApi;
  readonly #options: CallSessionOptions;
  readonly #local: LocalTracks;
  readonly #publications: LocalPublications;
  readonly #subscriptions: Subscriptions;
  readonly #roster: Roster;
  readonly #controls: LocalControls;
  readonly #screen: LocalScreenShare;
  readonly #restart = new PlannedRestart();
  #signaling: SignalingClient | null = null;
  #selfId: string | null = null;
  #ice: IceSettings = { iceServers: [], iceTransportPolicy: 'all' };
  readonly #lifecycle = new DeferredLifecycle(
    () => this.#start(),
    () => void this.leave(),
  );
  readonly #speaking: SpeakingMonitor;
  #ended = false;
  readonly #rejoins = new RejoinPacer();

  constructor(store: CallStoreApi, options: CallSessionOptions) {
    // Nothing with side effects here: StrictMode may construct and discard an instance.
    this.#store = store;
    this.#options = options;
    this.#local = new LocalTracks(options.media);
    this.network = new CallNetwork(store, this.streams);
    const needRejoin = () => void this.#rejoin();
    this.#publications = new LocalPublications({
      local: this.#local,
      signaling: () => (this.#selfId === null ? null : this.#signaling),
      ice: () => this.#ice,
      onState: (source, state) => this.#onPublishState(source, state),
      needRejoin,
      prepared: (kinds) => options.prepared?.take('sendonly', kinds),
    });
    this.#subscriptions = new Subscriptions({
      signaling: () => (this.#selfId === null ? null : this.#signaling),
      ice: () => this.#ice,
      streams: this.streams,
      onState: (publication, state) => this.#roster.subscriptionState(publication, state),
      needRejoin,
      prepared: (kinds) => options.prepared?.take('recvonly', kinds),
    });
    this.#roster = new Roster(store, this.#subscriptions);
    this.#controls = new LocalControls({
      store,
      local: this.#local,
      publications: this.#publications,
      streams: this.streams,
      selfId: () => this.#selfId,
    });
    this.#screen = new LocalScreenShare({
      store,
      publications: this.#publications,
      streams: this.streams,
      isEnded: () => this.#ended,
      selfId: () => this.#selfId,
    });
    this.#speaking = new SpeakingMonitor(store, () => this.#voiceLinks());
  }

  /** Mount: the first user starts the call. StrictMode's unmount+mount keeps the same one. */
  retain(): void {
    this.#lifecycle.retain();
  }

  /** Unmount: the call ends once nobody re-retains it within the same task. */
  release(): void {
    this.#lifecycle.release();
  }

  #start(): void {
    this.#local.apply();
    const { patchLocal, setPhase } = this.#store.getState();
    patchLocal({
      hasAudio: this.#local.audio !== null,
      hasVideo: this.#local.hasVideoDevice,
      audioMuted: this.#local.audioMuted,
      videoMuted: this.#local.videoMuted,
      audioInputId: this.#local.audioInputId,
      videoInputId: this.#local.videoInputId,
      audioOutputId: this.#options.media.audioOutputId,
    });
    setPhase('joining');
    const prepared = this.#options.prepared;
    const signaling =
      prepared?.takeSignaling() ?? this.#options.createSignaling?.() ?? new SignalingClient();
    this.#signaling = signaling;
    if (prepared?.ice) this.#ice = this.network.watched(prepared.ice);
    const { socket } = signaling;
    this.network.attach(socket);
    this.#options.extensions?.forEach((extension) => extension.attach(socket));
    socket.on('connect', () => {
      this.#restart.end();
      void this.#join();
    });
    socket.on('disconnect', (reason) => {
      if (this.#ended) return;
      // A restart's own disconnect keeps its banner (and countdown); anything else is a loss,
      // whose connections are kept for the resume when it is the network's (issue 16).
      const lost = !this.#restart.active && reason !== 'io server disconnect';
      if (lost && this.network.hold()) this.#store.getState().setSignaling('lost');
      else this.#suspend(this.#restart.active ? null : 'lost');
      if (reason === 'io server disconnect' && !this.#restart.active) socket.connect();
    });
    socket.on('connect_error', () => {
      // During a planned restart the refused attempts are expected; the banner says "restarting".
      if (!this.#ended && !this.#restart.active) this.#store.getState().setSignaling('lost');
    });
    socket.on('server:restarting', ({ retryAfterMs }) => this.#serverRestarting(retryAfterMs));
    listenToRoom(socket, {
      selfId: () => this.#selfId,
      roster: this.#roster,
      subscriptions: this.#subscriptions,
      publications: this.#publications,
    });
    socket.on('room:closed', (error) => {
      // A server that did not announce its restart still closes rooms with SHUTTING_DOWN.
      if (error.code === ErrorCode.ShuttingDown) this.#serverRestarting(defaultRestartWaitMs);
      else this.#end('error', error);
    });
    socket.on('call:error', (error) => console.warn('call error', error.code, error.message));
    this.#speaking.start();
    // The join the click sent (issue 18): every listener is attached, so what the server said
    // meanwhile (its answer included) is replayed to them now, in order.
    const early = prepared?.takeJoin();
    if (early && socket.connected) {
      const state = this.#store.getState();
      state.setSignaling('connected');
      early.adopt({
        answered: (result) => this.#joined(result),
        failed: (error) => this.#joinFailed(error, signaling),
      });
      return;
    }
    // Lost between the click and now: `connect` joins again, as after any loss.
    early?.close();
    // A socket connected on the prejoin screen joins at once (no `connect` event is coming).
    if (socket.connected) void this.#join();
    else socket.connect();
  }

  async #join(): Promise<void> {
    const signaling = this.#signaling;
    if (!signaling || this.#ended) return;
    const state = this.#store.getState();
    state.setSignaling('connected');
    state.setPhase('joining');
    let result: JoinRoomResult;
    try {
      const hostCredential = storedHostCredential(this.#options.roomId);
      result = await signaling.join({
        roomId: this.#options.roomId,
        displayName: this.#options.displayName,
        ...(hostCredential ? { hostCredential } : {}),
        ...(this.#options.joinToken ? { token: this.#options.joinToken } : {}),
        ...this.network.joinFields(),
        ...extensionJoinFields(this.#options.extensions),
      });
    } catch (error) {
      this.#joinFailed(error, signaling);
      return;
    }
    this.#joined(result);
  }

  #joinFailed(error: unknown, signaling: SignalingClient): void {
    // Reached a server that is still going down: wait for its successor, the call is not over.
    if (error instanceof CallRequestError && error.code === ErrorCode.ShuttingDown) {
      this.#serverRestarting(defaultRestartWaitMs);
      return;
    }
    // The socket dropped mid-join (in the lobby, say): `connect` joins again, the call goes on.
    if (!signaling.socket.connected && this.#signaling === signaling) return;
    this.#end('error', toCallError(error));
  }

  /** A join's answer: synchronous, so that no event of the socket comes between it and its effects. */
  #joined(result: JoinRoomResult): void {
    if (this.#ended) return;
    const state = this.#store.getState();
    storeHostCredential(this.#options.roomId, result.access?.hostCredential);
    const kept = this.network.settle(result);
    if (kept === 'replaced') this.#closeConnections();
    this.#selfId = result.selfId;
    this.#ice = this.network.joined(result);
    if (kept === 'kept') {
      // Same membership, same endpoints: only what changed while I was away changes.
      state.setJoined(result.selfId);
      this.#options.extensions?.forEach((extension) => extension.joined(result));
      this.#roster.reconcile(result.participants);
      return;
    }
    state.clearParticipants();
    state.clearScreens();
    this.#roster.clear();
    this.streams.clear();
    const publishes = this.#local.audio !== null || this.#local.hasVideoDevice;
    state.upsertParticipant({
      id: result.selfId,
      displayName: this.#options.displayName,
      isLocal: true,
      audioMuted: this.#local.audioMuted,
      videoMuted: this.#local.videoMuted,
      // Receive only: nothing of mine to connect.
      connection: publishes ? 'new' : 'connected',
      speaking: false,
    });
    this.streams.set(result.selfId, this.#local.stream);
    state.setJoined(result.selfId);
    this.#options.extensions?.forEach((extension) => extension.joined(result));
    // What I watch first: the first remote frame waits on those offers, not on my own (and
    // those that went with the join are being answered already).
    const offered = this.#options.prepared?.claimOffered(result.preparedSubscriptions ?? []);
    this.#subscriptions.expectOffered(offered ?? new Map());
    result.participants.forEach((info) => this.#roster.addParticipant(info));
    this.#publications.start();
    this.#screen.showTile();
    // Prepared connections nobody took (fewer cameras than people) go now.
    this.#options.prepared?.close();
  }

  /**
   * The server dropped my endpoints (socket lost, or a restart): tiles stay where they are, marked
   * connecting, until the rejoin replaces them; my own tracks, mute state and share are kept for it.
   */
  #suspend(signaling: 'lost' | 'restarting' | null, retryAt: number | null = null): void {
    const state = this.#store.getState();
    if (signaling) state.setSignaling(signaling, retryAt);
    this.#closeConnections();
    state.order.forEach((id) => state.patchParticipant(id, { connection: 'connecting' }));
  }

  /** A planned restart: keep the call, reconnect after `retryAfterMs`, rejoin on `connect`. */
  #serverRestarting(retryAfterMs: number): void {
    const socket = this.#signaling?.socket;
    if (this.#ended || !socket || this.#restart.active) return;
    this.#suspend('restarting', Date.now() + retryAfterMs);
    this.#restart.begin(socket, retryAfterMs);
  }

  #onPublishState(source: PublicationSource, connection: PeerConnectionState): void {
    const state = this.#store.getState();
    if (source === 'screen') state.patchScreen(localScreenId, { connection });
    else if (this.#selfId) state.patchParticipant(this.#selfId, { connection });
  }

  /** Leaves and joins again on the same socket: new endpoints for me and for everyone I see. */
  async #rejoin(): Promise<void> {
    const signaling = this.#signaling;
    // Held for a resume: the socket's `connect` resumes, or rebuilds what it cannot keep.
    if (!signaling || this.#ended || this.network.held) return;
    if (!this.#rejoins.admit(() => void this.#rejoin())) return;
    this.#closeConnections();
    await signaling.leave().catch(() => undefined);
    await this.#join();
  }

  setAudioMuted(muted: boolean): void {
    this.#controls.setAudioMuted(muted);
  }

  setVideoMuted(muted: boolean): Promise<void> {
    return this.#controls.setVideoMuted(muted);
  }

  switchInput(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    return this.#controls.switchInput(kind, deviceId);
  }

  setAudioOutput(deviceId: string): void {
    this.#store.getState().patchLocal({ audioOutputId: deviceId });
  }

  /** Shares a screen (the browser's picker); see LocalScreenShare. */
  startScreenShare(): Promise<void> {
    return this.#screen.start();
  }

  /** Stops my share for everyone. Safe to call when not sharing. */
  stopScreenShare(): void {
    this.#screen.stop();
  }

  /**
   * On screen or off, and its size in device pixels (null: gone): an off-screen tile gets no video,
   * the largest tile decides what its publisher sends. `key`: a person's id or a share's id.
   */
  setVideoWanted(key: string, wanted: boolean): void {
    this.#subscriptions.setVideoWanted(key, wanted);
  }
  setVideoSize(key: string, size: TileSize | null): void {
    this.#subscriptions.setVideoSize(key, size);
  }

  *#voiceLinks(): Iterable<VoiceLink> {
    const camera = this.#publications.camera;
    if (camera && this.#selfId) yield { participantId: this.#selfId, link: camera.link };
    yield* this.#subscriptions.cameraLinks();
  }

  /** Leave the call: every peer connection, track and the socket are closed. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.#ended) return;
    const signaling = this.#signaling;
    const joined = signaling?.socket.connected === true && this.#selfId !== null;
    // Media and screen go at once; the server hears `room:leave` (or at worst the disconnect).
    this.#end('left', undefined, { keepSocket: joined });
    if (!signaling || !joined) return;
    await signaling.leave().catch(() => undefined);
    signaling.socket.disconnect();
  }

  #end(
    phase: 'left' | 'error',
    error?: { code: string; message: string },
    { keepSocket = false } = {},
  ): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#speaking.stop();
    this.#restart.end();
    this.network.stop();
    this.#rejoins.stop();
    this.#closeConnections();
    this.#options.prepared?.close();
    this.#publications.stop();
    this.#local.stop();
    this.#signaling?.socket.removeAllListeners();
    this.#options.extensions?.forEach((extension) => extension.ended());
    if (!keepSocket) this.#signaling?.socket.disconnect();
    this.streams.clear();
    const state = this.#store.getState();
    state.clearParticipants();
    state.clearScreens();
    state.patchLocal({ screenShare: 'off' });
    state.setPhase(phase, error ?? null);
  }

  /** My connections go; until the next join answers, room events are dropped (no selfId). */
  #closeConnections(): void {
    this.#selfId = null;
    this.#publications.suspend();
    this.#subscriptions.closeAll();
    this.#roster.clear();
  }
}
