import { Errors } from '../rpc/errors';
import type { DefineProperty } from './IceSettings';

export type BandwidthProp =
  | 'maxVideoRecvBandwidth'
  | 'maxAudioRecvBandwidth'
  | 'minVideoRecvBandwidth'
  | 'minVideoSendBandwidth'
  | 'maxVideoSendBandwidth'
  | 'mtu';

/**
 * A WebRtcEndpoint's bandwidth properties (kbps, and the MTU), with KMS's defaults. Which ones the
 * app set is remembered: KMS's default send cap of 500 kbps is not imposed unless asked for.
 */
export class BandwidthSettings {
  readonly values: Readonly<Record<BandwidthProp, number>>;
  readonly #values: Record<BandwidthProp, number> = {
    maxVideoRecvBandwidth: 0,
    maxAudioRecvBandwidth: 0,
    minVideoRecvBandwidth: 0,
    minVideoSendBandwidth: 100,
    maxVideoSendBandwidth: 500,
    mtu: 1200,
  };
  readonly #explicit = new Set<BandwidthProp>();

  constructor() {
    this.values = this.#values;
  }

  /** The send cap the app asked for, in kbps (0: none asked). */
  get explicitSendLimit(): number {
    return this.#explicit.has('maxVideoSendBandwidth') ? this.#values.maxVideoSendBandwidth : 0;
  }

  /** Registers the Kurento properties; `changed` runs after each accepted set. */
  register(property: DefineProperty, changed: (name: BandwidthProp) => void): void {
    for (const name of Object.keys(this.#values) as BandwidthProp[]) {
      property(
        name,
        () => this.#values[name],
        (p, n) => {
          const v = p.int(n);
          if (v < 0) throw Errors.marshall(`'${n}' parameter should not be negative`);
          this.#values[name] = v;
          this.#explicit.add(name);
          changed(name);
        },
      );
    }
  }
}
