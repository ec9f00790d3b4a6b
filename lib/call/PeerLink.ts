import type { IceCandidate } from '../protocol';
import type { PeerConnectionState } from '../store/types';
import { preferCodec } from './preferCodec';

export interface PeerLinkSignals {
  /** Sends the offer for `senderId`'s endpoint and resolves the answer SDP. */
  offer(senderId: string, sdp: string): Promise<string>;
  candidate(senderId: string, candidate: IceCandidate): void;
}

export interface PeerLinkOptions {
  /** Whose media this connection carries: my own id (sendonly) or a remote participant (recvonly). */
  senderId: string;
  direction: 'sendonly' | 'recvonly';
  iceServers: RTCIceServer[];
  /** `relay` when the server forces TURN (ICE_TRANSPORT_POLICY). */
  iceTransportPolicy: RTCIceTransportPolicy;
  signals: PeerLinkSignals;
  onState(state: PeerConnectionState): void;
}

/**
 * One RTCPeerConnection to one Kurento WebRtcEndpoint: a single offer/answer (no renegotiation),
 * trickle ICE both ways, remote candidates queued until the answer is applied.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly audio: RTCRtpTransceiver;
  readonly video: RTCRtpTransceiver;
  #pending: RTCIceCandidateInit[] = [];
  #closed = false;

  constructor(
    private readonly options: PeerLinkOptions,
    tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } = {
      audio: null,
      video: null,
    },
  ) {
    const pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    this.pc = pc;
    const { direction } = options;
    this.audio = pc.addTransceiver(tracks.audio ?? 'audio', { direction });
    this.video = pc.addTransceiver(tracks.video ?? 'video', { direction });
    preferCodec(this.audio, 'audio/opus');
    preferCodec(this.video, 'video/VP8');
    pc.onicecandidate = ({ candidate }) => {
      if (this.#closed || !candidate?.candidate) return;
      options.signals.candidate(options.senderId, {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      });
    };
    pc.onconnectionstatechange = () => {
      if (!this.#closed) options.onState(mapState(pc.connectionState));
    };
  }

  get senderId(): string {
    return this.options.senderId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The remote participant's media; its tracks exist from the start and go live when media flows. */
  remoteStream(): MediaStream {
    return new MediaStream([this.audio.receiver.track, this.video.receiver.track]);
  }

  async negotiate(): Promise<void> {
    this.options.onState('connecting');
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const answer = await this.options.signals.offer(this.options.senderId, offer.sdp ?? '');
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

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
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
