import type { IceCandidate } from '../protocol';
import type { IceSettings } from './OutgoingPublication';
import { preferCodec } from './preferCodec';

export interface ConnectionKinds {
  audio: boolean;
  video: boolean;
}

/**
 * An RTCPeerConnection built on the prejoin screen, before the click (issue 18): its transceivers
 * exist, its offer is set as the local description and ICE gathering has begun, so that a
 * `PeerLink` adopting it after the join only sends the offer. Candidates found before adoption are
 * kept here for the link to send after its offer. Nothing of it reaches the server until then.
 */
export class PreparedConnection {
  readonly pc: RTCPeerConnection;
  readonly direction: 'sendonly' | 'recvonly';
  readonly kinds: ConnectionKinds;
  readonly audio: RTCRtpTransceiver | null;
  readonly video: RTCRtpTransceiver | null;
  /** The offer once `ready` resolved; null before, or when building it failed. */
  offer: string | null = null;
  readonly ready: Promise<void>;
  #gathered: IceCandidate[] = [];
  #closed = false;

  constructor(direction: 'sendonly' | 'recvonly', kinds: ConnectionKinds, ice: IceSettings) {
    this.direction = direction;
    this.kinds = kinds;
    const pc = new RTCPeerConnection({
      iceServers: ice.iceServers,
      iceTransportPolicy: ice.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    this.pc = pc;
    // Same shape as PeerLink builds: the tracks come with `replaceTrack` at the click.
    this.audio = kinds.audio ? pc.addTransceiver('audio', { direction }) : null;
    this.video = kinds.video ? pc.addTransceiver('video', { direction }) : null;
    if (this.audio) preferCodec(this.audio, 'audio/opus');
    if (this.video) preferCodec(this.video, 'video/VP8');
    pc.onicecandidate = ({ candidate }) => {
      if (this.#closed || !candidate?.candidate) return;
      this.#gathered.push({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      });
    };
    this.ready = this.#build();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Usable for a connection of this shape: same direction and m-lines, offer ready. */
  fits(direction: 'sendonly' | 'recvonly', kinds: ConnectionKinds): boolean {
    return (
      !this.#closed &&
      this.offer !== null &&
      this.direction === direction &&
      this.kinds.audio === kinds.audio &&
      this.kinds.video === kinds.video
    );
  }

  /**
   * The offer as it stands now, with the candidates found so far in it (Chromium adds them to the
   * local description): sent whole with the join (issue 18), it needs no trickled candidate to
   * follow, and those it carries are not handed out again. Null before the offer is ready.
   */
  offerWithCandidates(): string | null {
    if (this.#closed || this.offer === null) return null;
    const sdp = this.pc.localDescription?.sdp ?? this.offer;
    this.#gathered = [];
    return sdp;
  }

  /**
   * Hands the candidates found so far to the adopter, who has set its own `onicecandidate` (so
   * none is lost between the two).
   */
  takeGathered(): IceCandidate[] {
    const gathered = this.#gathered;
    this.#gathered = [];
    return gathered;
  }

  /** Idempotent; an adopted connection is closed by its PeerLink instead. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#gathered = [];
    this.pc.onicecandidate = null;
    this.pc.close();
  }

  async #build(): Promise<void> {
    try {
      const offer = await this.pc.createOffer();
      if (this.#closed) return;
      await this.pc.setLocalDescription(offer);
      if (!this.#closed) this.offer = offer.sdp ?? null;
    } catch (error) {
      // Not fatal: the join builds its own connection.
      if (!this.#closed) console.warn('preparing a connection failed', error);
      this.close();
    }
  }
}
