import { publisherLimit } from '../media/rembPolicy';
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
  #lastRemb = 0;

  constructor() {
    this.values = this.#values;
  }

  /** The send cap the app asked for, in kbps (0: none asked). */
  get explicitSendLimit(): number {
    return this.#explicit.has('maxVideoSendBandwidth') ? this.#values.maxVideoSendBandwidth : 0;
  }

  /**
   * The REMB this endpoint's publisher is to be told, in bps, or undefined when unchanged: its own
   * maxVideoRecvBandwidth and the median of its video sinks' explicit send caps (an SFU cannot
   * re-encode per sink; see media/rembPolicy.ts). Lifting every cap is a REMB far above any
   * camera's bitrate.
   */
  rembFor(sinkSendLimits: Iterable<number>): number | undefined {
    // Net's policy (media/rembPolicy.ts): the median viewer's cap, not the worst one's.
    const limit = publisherLimit(this.#values.maxVideoRecvBandwidth, sinkSendLimits);
    if (limit === this.#lastRemb) return undefined;
    this.#lastRemb = limit;
    return limit > 0 ? limit * 1000 : 100_000_000;
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
