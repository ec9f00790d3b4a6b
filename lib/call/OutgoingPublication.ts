import type { IceCandidate, PublicationSource, VideoTarget } from '../protocol';
import type { PeerConnectionState } from '../store/types';
import { PeerLink } from './PeerLink';
import { SenderFit } from './quality/senderFit';
import type { LinkHealth } from './recovery/LinkHealth';
import type { PreparedConnection } from './PreparedConnection';
import type { SignalingClient } from './SignalingClient';

export interface IceSettings {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Every connection of the call reports a lost path here (lib/call/recovery). */
  health?: LinkHealth;
}

export interface MutedFlags {
  audioMuted: boolean;
  videoMuted: boolean;
}

export interface OutgoingInit {
  source: PublicationSource;
  tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  kinds: { audio: boolean; video: boolean };
  /** The muted flags now (read when the offer goes, and again once it is answered). */
  muted: () => MutedFlags;
  /** My publication this connection renews (after a failure), or null for a new one. */
  replaces: string | null;
  signaling: SignalingClient;
  ice: IceSettings;
  onState(state: PeerConnectionState): void;
  /** My sendonly connection built before the click (issue 18), adopted by the link. */
  prepared?: PreparedConnection | undefined;
  /** The video target the connection this one renews was asked for (it still holds). */
  target?: VideoTarget | null;
}

/**
 * One publication of mine on its own sendonly connection. Its id comes with the publish answer,
 * so the candidates my browser gathers before it are held until then (the server's are routed to
 * it by `CallSession` once the id is known, see `takeStray`).
 */
export class OutgoingPublication {
  readonly source: PublicationSource;
  readonly link: PeerLink;
  /** What the server asks my video to be (bandwidth that fits the room, `quality:target`). */
  readonly fit: SenderFit;
  #id: string | null;
  #answered = false;
  #held: IceCandidate[] = [];
  readonly #init: OutgoingInit;

  constructor(init: OutgoingInit) {
    this.#init = init;
    this.source = init.source;
    this.#id = init.replaces;
    this.link = new PeerLink(
      {
        direction: 'sendonly',
        kinds: init.kinds,
        ...init.ice,
        signals: { offer: (sdp) => this.#publish(sdp), candidate: (c) => this.#candidate(c) },
        onState: init.onState,
        prepared: init.prepared,
      },
      init.tracks,
    );
    this.fit = new SenderFit(() => this.link.video?.sender ?? null, init.target ?? null);
  }

  /** The server's id for it; null until the first publish is answered. */
  get id(): string | null {
    return this.#id;
  }

  get closed(): boolean {
    return this.link.closed;
  }

  async negotiate(): Promise<void> {
    await this.link.negotiate();
    // A renewed connection sends what its predecessor was asked for.
    if (!this.link.closed && this.fit.target) this.fit.apply();
  }

  /** The server's `quality:target` for this publication. */
  applyTarget(target: VideoTarget): void {
    const unlimited = target.maxWidth === null && target.maxBitrate === null;
    this.fit.set(unlimited ? null : target);
  }

  /**
   * My muted flags changed: the others hear of it (with the publish itself when not yet answered).
   * Called after every change of my tracks, so a new camera track is fitted again too.
   */
  sendMuted(): void {
    if (this.fit.target) this.fit.apply();
    if (!this.#answered || this.#id === null) return;
    const flags = this.#init.muted();
    this.#init.signaling
      .mute({ publicationId: this.#id, ...flags })
      .catch((error: unknown) => console.warn('mute failed', error));
  }

  /** Stops it for everyone (the server releases its endpoints) and closes the connection. */
  unpublish(): void {
    if (this.#id !== null && this.#answered) {
      this.#init.signaling.unpublish(this.#id).catch(() => undefined);
    }
    this.link.close();
  }

  close(): void {
    this.link.close();
  }

  async #publish(sdp: string): Promise<string> {
    const { source, kinds, replaces, signaling } = this.#init;
    const sent = this.#init.muted();
    const result = await signaling.publish({
      source,
      audio: kinds.audio,
      video: kinds.video,
      ...sent,
      sdp,
      ...(replaces !== null ? { replaces } : {}),
    });
    this.#id = result.publication.id;
    this.#answered = true;
    const held = this.#held;
    this.#held = [];
    held.forEach((candidate) => this.#candidate(candidate));
    const now = this.#init.muted();
    if (now.audioMuted !== sent.audioMuted || now.videoMuted !== sent.videoMuted) this.sendMuted();
    return result.sdp;
  }

  #candidate(candidate: IceCandidate): void {
    if (this.link.closed) return;
    if (!this.#answered || this.#id === null) {
      this.#held.push(candidate);
      return;
    }
    this.#init.signaling.candidate({ publicationId: this.#id, candidate }).catch(() => undefined);
  }
}
