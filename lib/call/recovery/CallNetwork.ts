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

  constructor(store: CallStoreApi, streams: StreamRegistry) {
    const quality = new QualityMonitor(store, streams);
    this.quality = quality;
    const watch = this.#watch;
    const path = this.#path;
    this.#health = {
      opened: (link: PeerLink) => {
        quality.add(link);
        path.add(link);
      },
      closed: (link: PeerLink) => {
        quality.delete(link);
        path.delete(link);
      },
      disconnected: () => watch.disconnected(),
      addressChanged: () => watch.disconnected(suspectProbeTimeoutMs),
    };
  }

  attach(socket: CallSocket): void {
    this.#watch.attach(socket);
    this.quality.start();
    this.#path.start();
  }

  /** Fields for `room:join`: the membership a rejoin replaces. */
  joinFields(): QualityJoinFields {
    return this.#membership.joinFields();
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
    this.#watch.stop();
    this.quality.stop();
    this.#path.stop();
    this.#membership.forget();
  }
}
