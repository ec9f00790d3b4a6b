import type { JoinRoomResult, QualityJoinFields } from '../../protocol';
import type { CallStoreApi } from '../../store/createCallStore';
import type { IceSettings } from '../OutgoingPublication';
import type { PeerLink } from '../PeerLink';
import type { CallSocket } from '../SignalingClient';
import type { StreamRegistry } from '../StreamRegistry';
import { QualityMonitor } from '../quality/QualityMonitor';
import type { LinkHealth } from './LinkHealth';
import { Membership } from './Membership';
import { PathWatch } from './PathWatch';
import { SignalingWatch, suspectProbeTimeoutMs } from './SignalingWatch';

/**
 * How long a connection kept through a loss may still take to come back once the resume kept its
 * endpoint. Chromium pings a pair that stopped answering every ~0.5 s or faster, so a restored path is
 * usually back before the resume answers; one that is not (a new address) is replaced after this.
 */
export const resumeWaitMs = 1000;

/**
 * What `CallSession` needs of issue 16 (real networks), behind one object so its hooks there stay
 * small: a stalled or silent connection (`PathWatch`), a new local address (a connection's late host
 * candidate) or a network change checks the socket (`SignalingWatch`), every rejoin resumes the membership it replaces (`Membership`), and every
 * connection is sampled for the tiles' quality and the stats overlay (`quality`).
 */
export class CallNetwork {
  readonly quality: QualityMonitor;
  readonly #watch = new SignalingWatch();
  readonly #membership = new Membership();
  readonly #path = new PathWatch(() => this.#watch.disconnected(suspectProbeTimeoutMs));
  /** Handed to every PeerLink through the ICE settings. */
  readonly #health: LinkHealth;
  readonly #links = new Set<PeerLink>();
  /** The signaling is lost and the connections are kept for the resume (`hold`). */
  #held = false;

  constructor(store: CallStoreApi, streams: StreamRegistry) {
    const quality = new QualityMonitor(store, streams);
    this.quality = quality;
    const watch = this.#watch;
    const path = this.#path;
    this.#health = {
      opened: (link: PeerLink) => {
        this.#links.add(link);
        quality.add(link);
        path.add(link);
      },
      closed: (link: PeerLink) => {
        this.#links.delete(link);
        quality.delete(link);
        path.delete(link);
      },
      held: () => this.#held,
      disconnected: () => watch.disconnected(),
      addressChanged: () => watch.disconnected(suspectProbeTimeoutMs),
    };
  }

  attach(socket: CallSocket): void {
    this.#watch.attach(socket);
    this.quality.start();
    this.#path.start();
  }

  /**
   * The signaling was lost: true when the connections should be kept for the resume rather than
   * closed (there is a membership to resume). A cut path that comes back brings them back by
   * themselves (the same addresses, the same ICE pair, no Chromium network change to wait for), and
   * the resume keeps their endpoints; only those still down when it answers are replaced.
   */
  hold(): boolean {
    this.#held = this.#membership.resumable;
    return this.#held;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Fields for `room:join`: the membership a rejoin replaces (or keeps, while held). */
  joinFields(): QualityJoinFields {
    return this.#membership.joinFields(this.#held);
  }

  /**
   * A join answered: `kept` when the server kept the held membership (every connection stays;
   * those not back within `resumeWaitMs` are replaced), `replaced` when it was held but the server
   * made a new one (the kept connections must go), `fresh` otherwise.
   */
  settle(result: JoinRoomResult): 'kept' | 'replaced' | 'fresh' {
    const held = this.#held;
    this.#held = false;
    if (held && result.resumed) {
      this.#links.forEach((link) => link.expectBack(resumeWaitMs));
      return 'kept';
    }
    return held ? 'replaced' : 'fresh';
  }

  /** Keeps the answer's resume token; returns the ICE settings every connection of it uses. */
  joined(result: JoinRoomResult): IceSettings {
    this.#membership.joined(result);
    return this.watched({
      iceServers: result.iceServers,
      iceTransportPolicy: result.iceTransportPolicy,
    });
  }

  /** ICE settings made elsewhere (the prejoin's), with this call's watch on every connection. */
  watched(ice: IceSettings): IceSettings {
    return { ...ice, health: this.#health };
  }

  /** The call ended: listeners and timers go, nothing is resumed. */
  stop(): void {
    this.#held = false;
    this.#links.clear();
    this.#watch.stop();
    this.quality.stop();
    this.#path.stop();
    this.#membership.forget();
  }
}
