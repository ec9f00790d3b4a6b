import type { JoinRoomResult, QualityJoinFields } from '../../protocol';
import type { IceSettings } from '../OutgoingPublication';
import type { CallSocket } from '../SignalingClient';
import { Membership } from './Membership';
import { SignalingWatch } from './SignalingWatch';

/**
 * What `CallSession` needs of issue 16's recovery, behind one object so its hooks there stay
 * small: a stalled connection or a network change checks the socket (`SignalingWatch`), and every
 * rejoin resumes the membership it replaces (`Membership`).
 */
export class CallRecovery {
  readonly #watch = new SignalingWatch();
  readonly #membership = new Membership();

  attach(socket: CallSocket): void {
    this.#watch.attach(socket);
  }

  /** Fields for `room:join`: the membership a rejoin replaces. */
  joinFields(): QualityJoinFields {
    return this.#membership.joinFields();
  }

  /** Keeps the answer's resume token; returns the ICE settings every connection of it uses. */
  joined(result: JoinRoomResult): IceSettings {
    this.#membership.joined(result);
    return {
      iceServers: result.iceServers,
      iceTransportPolicy: result.iceTransportPolicy,
      health: this.#watch,
    };
  }

  /** The call ended: listeners go, nothing is resumed. */
  stop(): void {
    this.#watch.stop();
    this.#membership.forget();
  }
}
