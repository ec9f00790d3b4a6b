import {
  ErrorCode,
  type IceCandidate,
  type PublicationInfo,
  type SubscriptionAnswer,
  type SubscriptionUpdateRequest,
} from '../protocol';
import type { PeerConnectionState } from '../store/types';
import { CallRequestError } from './CallError';
import type { IceSettings } from './OutgoingPublication';
import { PeerLink } from './PeerLink';
import { PreparedAnswers } from './PreparedAnswers';
import type { ConnectionKinds, PreparedConnection } from './PreparedConnection';
import { RetrySchedule } from './RetrySchedule';
import type { SignalingClient } from './SignalingClient';
import type { StreamRegistry } from './StreamRegistry';

export interface SubscriptionsDeps {
  signaling(): SignalingClient | null;
  ice(): IceSettings;
  streams: StreamRegistry;
  onState(publication: PublicationInfo, state: PeerConnectionState): void;
  needRejoin(): void;
  /** A recvonly connection built before the click, if one of this shape is left (issue 18). */
  prepared?(kinds: ConnectionKinds): PreparedConnection | undefined;
}

interface Subscription {
  info: PublicationInfo;
  link: PeerLink;
  /** False while its tile is off screen: the server disconnects its video from my endpoint. */
  videoWanted: boolean;
  /** The tile size the server last heard of for it (bandwidth fitting). */
  sentSize: TileSize | undefined;
}

/** Device pixels a tile shows a stream at. */
export interface TileSize {
  width: number;
  height: number;
}

/**
 * Where a subscription's stream is found: a camera by its owner's id (the person's tile), a screen
 * by its publication id (its own tile).
 */
export function streamKey(info: PublicationInfo): string {
  return info.source === 'camera' ? info.participantId : info.id;
}

/**
 * The receiving side of the call: one recvonly connection per publication I watch. A failed
 * connection is offered again with `replace` (a new endpoint), without a rejoin.
 */
export class Subscriptions {
  readonly #deps: SubscriptionsDeps;
  readonly #subs = new Map<string, Subscription>();
  readonly #retry = new RetrySchedule();
  /** Connections whose offers went with the join (issue 18), waiting for their answers. */
  readonly #offered = new PreparedAnswers<PreparedConnection>();
  /**
   * Video wishes by stream key (a tile knows its key, not always its publication id); they outlive
   * a subscription's connection (set before it exists, or across a reconnection).
   */
  readonly #videoWanted = new Map<string, boolean>();
  /** Tile sizes by stream key, kept as the video wishes are (a tile may report early). */
  readonly #sizes = new Map<string, TileSize>();

  constructor(deps: SubscriptionsDeps) {
    this.#deps = deps;
  }

  has(publicationId: string): boolean {
    return this.#subs.has(publicationId);
  }

  /** Camera subscriptions with their owner (for the speaking monitor). */
  *cameraLinks(): Iterable<{ participantId: string; link: PeerLink }> {
    for (const { info, link } of this.#subs.values()) {
      if (info.source === 'camera') yield { participantId: info.participantId, link };
    }
  }

  add(info: PublicationInfo): void {
    if (this.#subs.has(info.id)) return;
    this.#open(info, false);
  }

  /** Its flags changed (mute); the connection stays. */
  update(info: PublicationInfo): void {
    const sub = this.#subs.get(info.id);
    if (sub) sub.info = info;
  }

  remove(publicationId: string, tellServer = false): void {
    const sub = this.#subs.get(publicationId);
    if (!sub) return;
    this.#close(publicationId);
    this.#deps.streams.set(streamKey(sub.info), null);
    if (tellServer)
      this.#deps
        .signaling()
        ?.unsubscribe(publicationId)
        .catch(() => undefined);
  }

  /** Every subscription of `participantId` (they left). */
  removeOwner(participantId: string): void {
    for (const [id, sub] of [...this.#subs]) {
      if (sub.info.participantId === participantId) this.remove(id);
    }
  }

  remoteCandidate(publicationId: string, candidate: IceCandidate): boolean {
    const sub = this.#subs.get(publicationId);
    sub?.link.addRemoteCandidate(candidate);
    return sub !== undefined;
  }

  /**
   * An off-screen tile asks for no video (the server disconnects it from my endpoint); back on
   * screen, video again. `key` is the tile's stream key (see `streamKey`).
   */
  setVideoWanted(key: string, wanted: boolean): void {
    if (wanted) this.#videoWanted.delete(key);
    else this.#videoWanted.set(key, false);
    for (const sub of this.#subs.values()) {
      if (streamKey(sub.info) !== key || sub.videoWanted === wanted || !sub.info.video) continue;
      sub.videoWanted = wanted;
      this.#send(sub, { video: wanted });
    }
  }

  /**
   * The size (device pixels) a tile shows a stream at: the server asks the publisher for no more
   * than the largest tile anyone shows it in (server/rooms/video-fit.ts). Sent only on change;
   * `null` forgets it (the tile is gone; wherever it shows next reports again).
   */
  setVideoSize(key: string, size: TileSize | null): void {
    if (!size) {
      this.#sizes.delete(key);
      return;
    }
    this.#sizes.set(key, size);
    for (const sub of this.#subs.values()) {
      if (streamKey(sub.info) !== key || !sub.info.video || sameSize(sub.sentSize, size)) continue;
      if (this.#send(sub, size)) sub.sentSize = size;
    }
  }

  /**
   * The join's answer: the server took these connections' offers (sent with the join), each for
   * the publication it names; subscribing to one adopts its connection and awaits its answer.
   */
  expectOffered(connections: ReadonlyMap<string, PreparedConnection>): void {
    this.#offered.expect(connections);
  }

  /** `subscription:answer`, for one of the connections offered with the join. */
  offerAnswered(answer: SubscriptionAnswer): void {
    this.#offered.settle(answer);
  }

  /** All connections go (the server released my endpoints, or the call ended). */
  closeAll(): void {
    [...this.#subs.keys()].forEach((id) => this.#close(id));
    this.#retry.clear();
    this.#offered.clear();
  }

  /** Tells the server what I do with a subscription; false when it cannot hear it yet. */
  #send(sub: Subscription, update: Omit<SubscriptionUpdateRequest, 'publicationId'>): boolean {
    const signaling = this.#deps.signaling();
    if (!signaling || sub.link.closed || !sub.link.pc.remoteDescription) return false;
    signaling
      .updateSubscription({ publicationId: sub.info.id, ...update })
      .catch((error: unknown) => console.warn('subscription update failed', error));
    return true;
  }

  #open(info: PublicationInfo, replace: boolean): void {
    const signaling = this.#deps.signaling();
    if (!signaling) return;
    this.#close(info.id, false);
    const publicationId = info.id;
    const kinds = { audio: info.audio, video: info.video };
    // A renewed connection is built fresh: the prepared ones are for the first join.
    const offered = replace ? undefined : this.#offered.take(publicationId);
    const link: PeerLink = new PeerLink({
      direction: 'recvonly',
      kinds,
      prepared: offered?.connection ?? (replace ? undefined : this.#deps.prepared?.(kinds)),
      ...this.#deps.ice(),
      signals: {
        // Offered with the join: the server is answering it already.
        offer: (sdp) => offered?.answer ?? signaling.subscribe({ publicationId, sdp, replace }),
        candidate: (candidate) => {
          signaling.candidate({ publicationId, candidate }).catch(() => undefined);
        },
      },
      onState: (state) => this.#onState(sub, state),
    });
    const sub: Subscription = { info, link, videoWanted: true, sentSize: undefined };
    this.#subs.set(publicationId, sub);
    this.#deps.streams.set(streamKey(info), link.remoteStream());
    link
      .negotiate()
      // Answered before the click: what is left is the server feeding it (or failing to).
      .then(() => (offered?.connection.answered ? offered.answer : undefined))
      .then(() => {
        // What the tile did before the answer (off screen, its size): tell the server now.
        if (link.closed || !info.video) return;
        const wanted = this.#videoWanted.get(streamKey(info)) ?? true;
        const size = this.#sizes.get(streamKey(info));
        sub.videoWanted = wanted;
        if (wanted && !size) return;
        if (this.#send(sub, { ...(wanted ? {} : { video: false }), ...size })) sub.sentSize = size;
      })
      .catch((error: unknown) => {
        if (link.closed) return;
        if (error instanceof CallRequestError && error.code === ErrorCode.AlreadyNegotiated) {
          this.#deps.needRejoin();
          return;
        }
        // Stopped meanwhile: its `publication:removed` is on the way.
        if (error instanceof CallRequestError && error.code === ErrorCode.UnknownPublication)
          return;
        console.warn(`subscribing to ${publicationId} failed`, error);
        this.#onState(sub, 'failed');
      });
  }

  #onState(sub: Subscription, state: PeerConnectionState): void {
    const id = sub.info.id;
    if (sub.link.closed || this.#subs.get(id) !== sub) return;
    this.#deps.onState(sub.info, state);
    if (state === 'connected') this.#retry.reset(id);
    if (state === 'failed') {
      this.#retry.schedule(id, () => {
        if (this.#subs.get(id) === sub) this.#open(sub.info, true);
      });
    }
  }

  #close(publicationId: string, forgetRetry = true): void {
    this.#subs.get(publicationId)?.link.close();
    this.#subs.delete(publicationId);
    if (forgetRetry) this.#retry.reset(publicationId);
  }
}

function sameSize(a: TileSize | undefined, b: TileSize): boolean {
  return a !== undefined && a.width === b.width && a.height === b.height;
}
