import {
  ErrorCode,
  type IceCandidate,
  type PublicationSource,
  type VideoTarget,
} from '../protocol';
import type { PeerConnectionState } from '../store/types';
import { CallRequestError } from './CallError';
import type { LocalTracks } from './LocalTracks';
import { OutgoingPublication, type IceSettings } from './OutgoingPublication';
import type { ConnectionKinds, PreparedConnection } from './PreparedConnection';
import { RetrySchedule } from './RetrySchedule';
import type { SignalingClient } from './SignalingClient';
import { tuneScreenSender } from './screenCapture';

export interface LocalPublicationsDeps {
  local: LocalTracks;
  signaling(): SignalingClient | null;
  ice(): IceSettings;
  onState(source: PublicationSource, state: PeerConnectionState): void;
  /** The server cannot renew a connection (no `replaces`): rejoin, which renews them all. */
  needRejoin(): void;
  /** My camera's sendonly connection built before the click, if it has these m-lines. */
  prepared?(kinds: ConnectionKinds): PreparedConnection | undefined;
}

/** Server candidates for a publication whose id my browser does not know yet, at most this many. */
const maxStray = 64;

/**
 * The publishing side of the call: my camera+microphone publication and my screen share, each on
 * its own sendonly connection (Kurento cannot renegotiate). A failed connection is renewed with
 * `replaces`, so viewers switch over without offering again.
 */
export class LocalPublications {
  readonly #deps: LocalPublicationsDeps;
  readonly #retry = new RetrySchedule();
  readonly #links = new Map<PublicationSource, OutgoingPublication>();
  #screen: MediaStream | null = null;
  #stray = new Map<string, IceCandidate[]>();

  constructor(deps: LocalPublicationsDeps) {
    this.#deps = deps;
  }

  /** After a join: publish my camera (when I have a device) and a share that is still running. */
  start(): void {
    const local = this.#deps.local;
    if (local.audio !== null || local.hasVideoDevice) this.#publish('camera', null);
    if (this.#screen) this.#publish('screen', null);
  }

  get camera(): OutgoingPublication | undefined {
    return this.#links.get('camera');
  }

  get screenStream(): MediaStream | null {
    return this.#screen;
  }

  /** The connection's sender of my camera publication (device switch, camera on/off). */
  cameraSender(kind: 'audio' | 'video'): RTCRtpSender | null {
    return this.camera?.link[kind]?.sender ?? null;
  }

  sendMuted(): void {
    this.camera?.sendMuted();
  }

  /** `quality:target`: what the server asks one of my publications' video to be. */
  applyTarget(target: VideoTarget): void {
    for (const link of this.#links.values()) {
      if (link.id === target.publicationId) link.applyTarget(target);
    }
  }

  /** Publishes a captured screen; `stopScreen` (or the track's end) takes it down. */
  startScreen(stream: MediaStream): void {
    this.#screen = stream;
    if (this.#deps.signaling()) this.#publish('screen', null);
  }

  /** Stops my share for everyone and releases the capture. Idempotent. */
  stopScreen(): void {
    const link = this.#links.get('screen');
    this.#links.delete('screen');
    this.#retry.reset('screen');
    link?.unpublish();
    this.#screen?.getTracks().forEach((track) => track.stop());
    this.#screen = null;
  }

  /** A server candidate: true when it is for one of mine (or may be, while a publish is answered). */
  remoteCandidate(publicationId: string, candidate: IceCandidate): boolean {
    for (const link of this.#links.values()) {
      if (link.id === publicationId) {
        link.link.addRemoteCandidate(candidate);
        return true;
      }
    }
    if (![...this.#links.values()].some((link) => link.id === null)) return false;
    const stray = this.#stray.get(publicationId) ?? [];
    if (stray.length < maxStray) stray.push(candidate);
    this.#stray.set(publicationId, stray);
    return true;
  }

  /** The server dropped my endpoints (signaling lost, restart, rejoin): connections go, a share stays. */
  suspend(): void {
    this.#links.forEach((link) => link.close());
    this.#links.clear();
    this.#retry.clear();
    this.#stray.clear();
  }

  /** The call ended. */
  stop(): void {
    this.suspend();
    this.#screen?.getTracks().forEach((track) => track.stop());
    this.#screen = null;
  }

  #publish(source: PublicationSource, replaces: string | null): void {
    const signaling = this.#deps.signaling();
    if (!signaling) return;
    const previous = this.#links.get(source);
    previous?.close();
    const local = this.#deps.local;
    const screen = this.#screen;
    const screenAudio = screen?.getAudioTracks()[0] ?? null;
    const screenVideo = screen?.getVideoTracks()[0] ?? null;
    const kinds =
      source === 'camera'
        ? { audio: local.audio !== null, video: local.hasVideoDevice }
        : { audio: screenAudio !== null, video: true };
    const link: OutgoingPublication = new OutgoingPublication({
      source,
      tracks:
        source === 'camera'
          ? { audio: local.audio, video: local.video }
          : { audio: screenAudio, video: screenVideo },
      kinds,
      prepared: source === 'camera' && replaces === null ? this.#deps.prepared?.(kinds) : undefined,
      muted: () =>
        source === 'camera'
          ? { audioMuted: local.audioMuted, videoMuted: local.videoMuted }
          : { audioMuted: false, videoMuted: false },
      replaces,
      // A renewed connection keeps its target; a new publication starts without one.
      target: replaces !== null ? previous?.fit.target : null,
      signaling,
      ice: this.#deps.ice(),
      onState: (state) => this.#onState(link, state),
    });
    this.#links.set(source, link);
    link
      .negotiate()
      .then(() => {
        const id = link.id;
        if (id === null || link.closed) return;
        this.#stray.get(id)?.forEach((candidate) => link.link.addRemoteCandidate(candidate));
        this.#stray.delete(id);
        if (source === 'screen' && link.link.video) void tuneScreenSender(link.link.video.sender);
      })
      .catch((error: unknown) => {
        if (link.closed) return;
        if (error instanceof CallRequestError && error.code === ErrorCode.AlreadyNegotiated) {
          this.#deps.needRejoin();
          return;
        }
        console.warn(`publishing ${source} failed`, error);
        this.#onState(link, 'failed');
      });
  }

  #onState(link: OutgoingPublication, state: PeerConnectionState): void {
    const source = link.source;
    if (link.closed || this.#links.get(source) !== link) return;
    this.#deps.onState(source, state);
    if (state === 'connected') this.#retry.reset(source);
    if (state === 'failed') {
      // Re-established without user action: a new connection for the same publication.
      this.#retry.schedule(source, () => {
        if (this.#links.get(source) === link) this.#publish(source, link.id);
      });
    }
  }
}
