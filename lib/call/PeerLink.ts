import type { IceCandidate } from '../protocol';
import type { PeerConnectionState } from '../store/types';
import { preferCodec } from './preferCodec';
import type { PreparedConnection } from './PreparedConnection';
import type { LinkHealth } from './recovery/LinkHealth';

/**
 * How long a connection may stay `disconnected` before it is given up and replaced (issue 16): the
 * browser would wait for ICE `failed` (about 30 s), and Kurento cannot restart ICE on an endpoint.
 */
export const stallMs = 2000;

export interface PeerLinkSignals {
  /** Sends the offer for this connection's endpoint and resolves the answer SDP. */
  offer(sdp: string): Promise<string>;
  candidate(candidate: IceCandidate): void;
}

export interface PeerLinkOptions {
  direction: 'sendonly' | 'recvonly';
  /** Which m-lines the connection has (a screen share without sound has no audio). */
  kinds: { audio: boolean; video: boolean };
  iceServers: RTCIceServer[];
  /** `relay` when the server forces TURN (ICE_TRANSPORT_POLICY). */
  iceTransportPolicy: RTCIceTransportPolicy;
  signals: PeerLinkSignals;
  onState(state: PeerConnectionState): void;
  /** Told of the connection's life and of a lost path (recovery checks the signaling too). */
  health?: LinkHealth | undefined;
  /** Built on the prejoin screen (issue 18): adopted with its transceivers and offer. */
  prepared?: PreparedConnection | undefined;
}

/**
 * One RTCPeerConnection to one Kurento WebRtcEndpoint (one publication, or my subscription to
 * one): a single offer/answer (no renegotiation), trickle ICE both ways, remote candidates queued
 * until the answer is applied.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly audio: RTCRtpTransceiver | null;
  readonly video: RTCRtpTransceiver | null;
  #pending: RTCIceCandidateInit[] = [];
  #closed = false;
  #wasConnected = false;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: PeerLinkOptions,
    tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } = {
      audio: null,
      video: null,
    },
  ) {
    const { direction, kinds, prepared } = options;
    const pc =
      prepared?.pc ??
      new RTCPeerConnection({
        iceServers: options.iceServers,
        iceTransportPolicy: options.iceTransportPolicy,
        bundlePolicy: 'max-bundle',
        rtcpMuxPolicy: 'require',
      });
    this.pc = pc;
    if (prepared) {
      // Same m-lines, made before the click; the tracks need no renegotiation.
      this.audio = prepared.audio;
      this.video = prepared.video;
      if (tracks.audio) void this.audio?.sender.replaceTrack(tracks.audio);
      if (tracks.video) void this.video?.sender.replaceTrack(tracks.video);
    } else {
      this.audio = kinds.audio ? pc.addTransceiver(tracks.audio ?? 'audio', { direction }) : null;
      this.video = kinds.video ? pc.addTransceiver(tracks.video ?? 'video', { direction }) : null;
      if (this.audio) preferCodec(this.audio, 'audio/opus');
      if (this.video) preferCodec(this.video, 'video/VP8');
    }
    pc.onicecandidate = ({ candidate }) => {
      if (this.#closed || !candidate?.candidate) return;
      // Host candidates are all found before a first connection; one after it is a new address.
      if (this.#wasConnected && candidate.type === 'host') options.health?.addressChanged();
      options.signals.candidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      });
    };
    options.health?.opened(this);
    pc.onconnectionstatechange = () => {
      if (this.#closed) return;
      if (pc.connectionState === 'connected') this.#wasConnected = true;
      this.#watchStall(pc.connectionState);
      options.onState(mapState(pc.connectionState));
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What the connection receives; its tracks exist from the start and go live when media flows. */
  remoteStream(): MediaStream {
    const tracks = [this.audio, this.video].flatMap((t) => (t ? [t.receiver.track] : []));
    return new MediaStream(tracks);
  }

  async negotiate(): Promise<void> {
    const prepared = this.options.prepared;
    if (prepared?.answered) {
      // Answered on the prejoin screen (issue 18): up already, or coming up; nothing to offer.
      this.options.onState(mapState(this.pc.connectionState));
      return;
    }
    this.options.onState('connecting');
    let sdp = prepared?.offer;
    if (!sdp) {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      sdp = offer.sdp ?? '';
    }
    const answered = this.options.signals.offer(sdp);
    // Found before the click: they follow the offer, as trickled ones do.
    prepared?.takeGathered().forEach((candidate) => this.options.signals.candidate(candidate));
    const answer = await answered;
    if (this.#closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const queued = this.#pending;
    this.#pending = [];
    await Promise.all(queued.map((candidate) => this.#apply(candidate)));
  }

  addRemoteCandidate(candidate: IceCandidate): void {
    if (this.#closed) return;
    if (!this.pc.remoteDescription) {
      this.#pending.push(candidate);
      return;
    }
    void this.#apply(candidate);
  }

  async #apply(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.#closed) console.warn('addIceCandidate failed', error);
    }
  }

  /**
   * `disconnected` for `stallMs` counts as failed: the owner replaces the connection (a new
   * endpoint) instead of waiting for the browser's `failed`.
   */
  #watchStall(state: RTCPeerConnectionState): void {
    if (state !== 'disconnected') {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
      return;
    }
    if (this.#stallTimer) return;
    this.options.health?.disconnected();
    this.#failUnlessBack(stallMs);
  }

  /**
   * The resume kept this connection's endpoint (issue 16): a connection that is not back within
   * `ms` (its path did not return, e.g. a new address) counts as failed and is replaced.
   */
  expectBack(ms: number): void {
    if (this.#closed || !this.#wasConnected || this.pc.connectionState === 'connected') return;
    clearTimeout(this.#stallTimer);
    this.#failUnlessBack(ms);
  }

  #failUnlessBack(ms: number): void {
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      const state = this.pc.connectionState;
      // `failed` was reported as it happened.
      if (this.#closed || state === 'connected' || state === 'failed') return;
      // Kept for a resume: nothing can be offered before it, which decides (expectBack).
      if (this.options.health?.held()) this.#failUnlessBack(ms);
      else this.options.onState('failed');
    }, ms);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#stallTimer);
    this.options.health?.closed(this);
    this.#pending = [];
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}

function mapState(state: RTCPeerConnectionState): PeerConnectionState {
  switch (state) {
    case 'new':
      return 'new';
    case 'connecting':
    case 'disconnected':
      return 'connecting';
    case 'connected':
      return 'connected';
    case 'failed':
      return 'failed';
    case 'closed':
      return 'closed';
  }
}
