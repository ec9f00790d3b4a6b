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
  /** The server's receiver for it, answered on the prejoin screen (`prejoin:receive`), by index. */
  receiver: number | undefined;
  #remoteQueue: RTCIceCandidateInit[] = [];

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

  /** Answered before the click: its connection is (or is becoming) up, bound to its receiver. */
  get answered(): boolean {
    return this.receiver !== undefined;
  }

  /** Resolves once ICE gathering is complete, or after `capMs` (what is found by then is sent). */
  gathered(capMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, capMs);
      const pc = this.pc;
      function done(): void {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check(): void {
        if (pc.iceGatheringState === 'complete') done();
      }
      pc.addEventListener('icegatheringstatechange', check);
      check();
    });
  }

  /**
   * The server's answer from its receiver `index` (`prejoin:receive`): ICE and DTLS start now,
   * before the click. Resolves once connected (or not, after `capMs`); false when it failed.
   */
  async accept(index: number, answer: string, capMs: number): Promise<boolean> {
    if (this.#closed) return false;
    // Bound from now: its candidates find it (and wait for the answer below).
    this.receiver = index;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      if (!this.#closed) console.warn('a prepared receiver could not take its answer', error);
      this.close();
      return false;
    }
    const queued = this.#remoteQueue;
    this.#remoteQueue = [];
    queued.forEach((candidate) => void this.addRemoteCandidate(candidate));
    return this.#connected(capMs);
  }

  /** A media-server candidate for it (`prejoin:candidate`); held until the answer is set. */
  async addRemoteCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.#closed) return;
    if (!this.pc.remoteDescription) {
      this.#remoteQueue.push(candidate);
      return;
    }
    await this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  #connected(capMs: number): Promise<boolean> {
    const pc = this.pc;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(pc.connectionState === 'connected'), capMs);
      function finish(ok: boolean): void {
        clearTimeout(timer);
        pc.removeEventListener('connectionstatechange', check);
        resolve(ok);
      }
      function check(): void {
        if (pc.connectionState === 'connected') finish(true);
        else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') finish(false);
      }
      pc.addEventListener('connectionstatechange', check);
      check();
    });
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
    // Whoever sends this connection's offer later sends these candidates with it.
    this.offer = sdp;
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
    this.#remoteQueue = [];
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
