import {
  ErrorCode,
  type IceCandidate,
  type JoinRoomResult,
  type ParticipantInfo,
} from '../protocol';
import type { CallStoreApi } from '../store/createCallStore';
import type { PeerConnectionState } from '../store/types';
import { CallRequestError, toCallError } from './CallError';
import { DeferredLifecycle } from './DeferredLifecycle';
import { LocalTracks, type LocalTracksInit } from './LocalTracks';
import { PeerLink } from './PeerLink';
import { PlannedRestart } from './PlannedRestart';
import { RetrySchedule } from './RetrySchedule';
import { SignalingClient } from './SignalingClient';
import { SpeakingMonitor } from './SpeakingMonitor';
import { StreamRegistry } from './StreamRegistry';
import { describeMediaError } from './mediaProblems';

/** What the prejoin screen hands to the call: my name and my (already open) devices. */
export interface JoinChoice {
  displayName: string;
  media: LocalTracksInit & { audioOutputId: string | null };
}

/** A restart announced only by SHUTTING_DOWN (no `server:restarting`): wait this long first. */
const defaultRestartWaitMs = 2000;

export interface CallSessionOptions extends JoinChoice {
  roomId: string;
  /** Injected by tests; the default connects to the page's own origin. */
  createSignaling?: () => SignalingClient;
}

/**
 * The call without React: owns the socket, one sendonly RTCPeerConnection for my media, one
 * recvonly per remote participant, and every MediaStream. It writes plain snapshots to the store.
 */
export class CallSession {
  readonly streams = new StreamRegistry();
  readonly #store: CallStoreApi;
  readonly #options: CallSessionOptions;
  readonly #local: LocalTracks;
  readonly #links = new Map<string, PeerLink>();
  readonly #retry = new RetrySchedule();
  readonly #restart = new PlannedRestart();
  #signaling: SignalingClient | null = null;
  #selfId: string | null = null;
  #iceServers: RTCIceServer[] = [];
  #iceTransportPolicy: RTCIceTransportPolicy = 'all';
  readonly #lifecycle = new DeferredLifecycle(
    () => this.#start(),
    () => void this.leave(),
  );
  readonly #speaking: SpeakingMonitor;
  #ended = false;
  #lastRejoin = 0;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  #early: ParticipantInfo[] = [];

  constructor(store: CallStoreApi, options: CallSessionOptions) {
    // Nothing with side effects here: StrictMode may construct and discard an instance.
    this.#store = store;
    this.#options = options;
    this.#local = new LocalTracks(options.media);
    this.#speaking = new SpeakingMonitor(store, () => this.#links.values());
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
      hasVideo:
        this.#options.media.videoTrack !== null || this.#options.media.videoInputId !== null,
      audioMuted: this.#local.audioMuted,
      videoMuted: this.#local.videoMuted,
      audioInputId: this.#local.audioInputId,
      videoInputId: this.#local.videoInputId,
      audioOutputId: this.#options.media.audioOutputId,
    });
    setPhase('joining');
    const signaling = this.#options.createSignaling?.() ?? new SignalingClient();
    this.#signaling = signaling;
    const { socket } = signaling;
    socket.on('connect', () => {
      this.#restart.end();
      void this.#join();
    });
    socket.on('disconnect', (reason) => {
      if (this.#ended) return;
      // A restart's own disconnect keeps its banner (and countdown); anything else is a loss.
      this.#suspend(this.#restart.active ? null : 'lost');
      if (reason === 'io server disconnect' && !this.#restart.active) socket.connect();
    });
    socket.on('connect_error', () => {
      // During a planned restart the refused attempts are expected; the banner says "restarting".
      if (!this.#ended && !this.#restart.active) this.#store.getState().setSignaling('lost');
    });
    socket.on('server:restarting', ({ retryAfterMs }) => this.#serverRestarting(retryAfterMs));
    socket.on('participant:joined', (info) => this.#addRemote(info));
    socket.on('participant:updated', (info) => this.#patchRemote(info));
    socket.on('participant:left', ({ participantId }) => this.#removeRemote(participantId));
    socket.on('ice:candidate', ({ senderId, candidate }) =>
      this.#remoteCandidate(senderId, candidate),
    );
    socket.on('room:closed', (error) => {
      // A server that did not announce its restart still closes rooms with SHUTTING_DOWN.
      if (error.code === ErrorCode.ShuttingDown) this.#serverRestarting(defaultRestartWaitMs);
      else this.#end('error', error);
    });
    socket.on('call:error', (error) => console.warn('call error', error.code, error.message));
    socket.connect();
    this.#speaking.start();
  }

  async #join(): Promise<void> {
    const signaling = this.#signaling;
    if (!signaling || this.#ended) return;
    const state = this.#store.getState();
    state.setSignaling('connected');
    state.setPhase('joining');
    let result: JoinRoomResult;
    try {
      result = await signaling.join({
        roomId: this.#options.roomId,
        displayName: this.#options.displayName,
        audioMuted: this.#local.audioMuted,
        videoMuted: this.#local.videoMuted,
      });
    } catch (error) {
      // Reached a server that is still going down: wait for its successor, the call is not over.
      if (error instanceof CallRequestError && error.code === ErrorCode.ShuttingDown) {
        this.#serverRestarting(defaultRestartWaitMs);
        return;
      }
      this.#end('error', toCallError(error));
      return;
    }
    if (this.#ended) return;
    this.#selfId = result.selfId;
    this.#iceServers = result.iceServers;
    this.#iceTransportPolicy = result.iceTransportPolicy;
    state.clearParticipants();
    this.streams.clear();
    state.upsertParticipant({
      id: result.selfId,
      displayName: this.#options.displayName,
      isLocal: true,
      audioMuted: this.#local.audioMuted,
      videoMuted: this.#local.videoMuted,
      connection: 'new',
      speaking: false,
    });
    this.streams.set(result.selfId, this.#local.stream);
    state.setJoined(result.selfId);
    this.#connect(result.selfId);
    result.participants.forEach((info) => this.#addRemote(info));
    // Arrivals announced while my join was in flight (they may be missing from the answer).
    const early = this.#early;
    this.#early = [];
    early.forEach((info) => this.#addRemote(info));
  }

  /**
   * The server dropped my endpoints (socket lost, or a restart): tiles stay where they are, marked
   * connecting, until the rejoin replaces them; my own tracks and mute state are kept for it.
   */
  #suspend(signaling: 'lost' | 'restarting' | null, retryAt: number | null = null): void {
    const state = this.#store.getState();
    if (signaling) state.setSignaling(signaling, retryAt);
    this.#closeLinks();
    this.#selfId = null;
    this.#early = [];
    state.order.forEach((id) => state.patchParticipant(id, { connection: 'connecting' }));
  }

  /** A planned restart: keep the call, reconnect after `retryAfterMs`, rejoin on `connect`. */
  #serverRestarting(retryAfterMs: number): void {
    const socket = this.#signaling?.socket;
    if (this.#ended || !socket || this.#restart.active) return;
    this.#suspend('restarting', Date.now() + retryAfterMs);
    this.#restart.begin(socket, retryAfterMs);
  }

  #addRemote(info: ParticipantInfo): void {
    if (this.#selfId === null) {
      this.#early = [...this.#early.filter((other) => other.id !== info.id), info];
      return;
    }
    if (info.id === this.#selfId) return;
    const known = this.#store.getState().participants[info.id];
    this.#store.getState().upsertParticipant({
      ...info,
      isLocal: false,
      connection: known?.connection ?? 'new',
      speaking: known?.speaking ?? false,
    });
    if (!this.#links.has(info.id)) this.#connect(info.id);
  }

  #patchRemote(info: ParticipantInfo): void {
    const { displayName, audioMuted, videoMuted } = info;
    this.#store.getState().patchParticipant(info.id, { displayName, audioMuted, videoMuted });
  }

  #removeRemote(id: string): void {
    this.#early = this.#early.filter((info) => info.id !== id);
    this.#closeLink(id);
    this.streams.set(id, null);
    this.#store.getState().removeParticipant(id);
  }

  /**
   * Opens the connection that carries `senderId`'s media, or re-opens it after a failure: then the
   * offer asks the server to `replace` the negotiated endpoint, since Kurento cannot renegotiate one.
   */
  #connect(senderId: string, replace = false): void {
    const signaling = this.#signaling;
    if (!signaling || this.#ended) return;
    this.#closeLink(senderId, false);
    const isSelf = senderId === this.#selfId;
    const link = new PeerLink(
      {
        senderId,
        direction: isSelf ? 'sendonly' : 'recvonly',
        iceServers: this.#iceServers,
        iceTransportPolicy: this.#iceTransportPolicy,
        signals: {
          offer: (id, sdp) => signaling.offer({ senderId: id, sdp, replace }),
          candidate: (id, candidate) => {
            signaling.candidate({ senderId: id, candidate }).catch(() => undefined);
          },
        },
        onState: (state) => this.#onLinkState(link, state),
      },
      isSelf ? { audio: this.#local.audio, video: this.#local.video } : undefined,
    );
    this.#links.set(senderId, link);
    if (!isSelf) this.streams.set(senderId, link.remoteStream());
    link.negotiate().catch((error: unknown) => {
      if (link.closed) return;
      if (error instanceof CallRequestError && error.code === ErrorCode.AlreadyNegotiated) {
        // A server without `replace` support keeps the old endpoint: rejoin, which renews them all.
        void this.#rejoin();
        return;
      }
      console.warn(`negotiation for ${senderId} failed`, error);
      this.#onLinkState(link, 'failed');
    });
  }

  #onLinkState(link: PeerLink, connection: PeerConnectionState): void {
    if (link.closed || this.#links.get(link.senderId) !== link) return;
    this.#store.getState().patchParticipant(link.senderId, { connection });
    if (connection === 'connected') this.#retry.reset(link.senderId);
    if (connection === 'failed') {
      // A failed connection is re-established without user action: a new offer, a new endpoint.
      this.#retry.schedule(link.senderId, () => {
        if (this.#links.get(link.senderId) === link) this.#connect(link.senderId, true);
      });
    }
  }

  /** Leaves and joins again on the same socket: new endpoints for me and for everyone I see. */
  async #rejoin(): Promise<void> {
    const signaling = this.#signaling;
    if (!signaling || this.#ended || this.#rejoinTimer) return;
    const wait = this.#lastRejoin + 5000 - Date.now();
    if (wait > 0) {
      // At most one rejoin per 5 s; a later failure still gets one.
      this.#rejoinTimer = setTimeout(() => {
        this.#rejoinTimer = undefined;
        void this.#rejoin();
      }, wait);
      return;
    }
    this.#lastRejoin = Date.now();
    this.#closeLinks();
    this.#selfId = null; // until the new join answers, arrivals are queued, not connected
    await signaling.leave().catch(() => undefined);
    await this.#join();
  }

  #remoteCandidate(senderId: string, candidate: IceCandidate): void {
    this.#links.get(senderId)?.addRemoteCandidate(candidate);
  }

  setAudioMuted(muted: boolean): void {
    this.#local.setAudioMuted(muted);
    this.#publishLocalState();
  }

  async setVideoMuted(muted: boolean): Promise<void> {
    try {
      const track = await this.#local.setVideoMuted(muted);
      await this.#links.get(this.#selfId ?? '')?.video.sender.replaceTrack(track);
      this.#store.getState().setDeviceError(null);
    } catch (error) {
      this.#store.getState().setDeviceError(describeMediaError(error, 'camera'));
    }
    this.#publishLocalState();
  }

  async switchInput(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    try {
      const track = await this.#local.switchInput(kind, deviceId);
      const link = this.#links.get(this.#selfId ?? '');
      if (track && link) await link[kind].sender.replaceTrack(track);
      this.#store.getState().setDeviceError(null);
    } catch (error) {
      const device = kind === 'audio' ? 'microphone' : 'camera';
      this.#store.getState().setDeviceError(describeMediaError(error, device));
    }
    this.#publishLocalState();
  }

  setAudioOutput(deviceId: string): void {
    this.#store.getState().patchLocal({ audioOutputId: deviceId });
  }

  #publishLocalState(): void {
    const local = this.#local;
    const state = this.#store.getState();
    state.patchLocal({
      hasAudio: local.audio !== null,
      audioMuted: local.audioMuted,
      videoMuted: local.videoMuted,
      audioInputId: local.audioInputId,
      videoInputId: local.videoInputId,
    });
    if (!this.#selfId) return;
    this.streams.set(this.#selfId, local.stream);
    state.patchParticipant(this.#selfId, {
      audioMuted: local.audioMuted,
      videoMuted: local.videoMuted,
    });
    const { audioMuted, videoMuted } = local;
    this.#signaling?.mute({ audioMuted, videoMuted }).catch(() => undefined);
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
    clearTimeout(this.#rejoinTimer);
    this.#closeLinks();
    this.#local.stop();
    this.#signaling?.socket.removeAllListeners();
    if (!keepSocket) this.#signaling?.socket.disconnect();
    this.streams.clear();
    const state = this.#store.getState();
    state.clearParticipants();
    state.setPhase(phase, error ?? null);
  }

  #closeLinks(): void {
    [...this.#links.keys()].forEach((id) => this.#closeLink(id));
    this.#retry.clear();
  }

  #closeLink(id: string, forgetRetry = true): void {
    this.#links.get(id)?.close();
    this.#links.delete(id);
    if (forgetRetry) this.#retry.reset(id);
  }
}
