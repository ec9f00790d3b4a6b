import type { MediaKind } from '../media/codecs';
import type { KindCounters } from '../media/counters';
import { KeyframeThrottle } from '../media/KeyframeThrottle';
import type { LastSenderReport, LinkSnapshot, ReportBlock } from '../media/LinkEstimator';
import { LinkEstimator, rttFromReport } from '../media/LinkEstimator';
import { publisherLimit, viewerLimit } from '../media/rembPolicy';
import { Errors } from '../rpc/errors';
import type { DefineProperty } from './operations';

export type BandwidthProp =
  | 'maxVideoRecvBandwidth'
  | 'maxAudioRecvBandwidth'
  | 'minVideoRecvBandwidth'
  | 'minVideoSendBandwidth'
  | 'maxVideoSendBandwidth'
  | 'mtu';

const BANDWIDTH_PROPS: readonly BandwidthProp[] = [
  'maxVideoRecvBandwidth',
  'maxAudioRecvBandwidth',
  'minVideoRecvBandwidth',
  'minVideoSendBandwidth',
  'maxVideoSendBandwidth',
  'mtu',
];

/** How often a publisher may be sent a REMB because its viewers' estimates moved. */
const REMB_INTERVAL_MS = 500;

/** What the bandwidth side of an endpoint asks of the endpoint that owns it. */
export interface BandwidthHooks {
  /** Recompute this endpoint's REMB (`rembFor`) and send it to its remote if it changed. */
  evaluateRemb(): void;
  /**
   * This endpoint's cap as a video sink changed: its source is to re-evaluate its REMB, at once
   * (`now`: the app changed a property) or through the source's rate limit (an estimate moved).
   */
  sinkCapChanged(now: boolean): void;
}

/**
 * The bandwidth side of a WebRtcEndpoint: its properties (kbps, and the MTU), with KMS's
 * defaults; as a video sink, the estimate of what the link to its remote carries (a LinkEstimator
 * per transport, from the remote's receiver reports and NACKs); as a source, the REMB its
 * publisher was last told and the rate limit on estimate-driven ones. Which properties the app
 * set is remembered: KMS's default send cap of 500 kbps is not imposed unless asked for.
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
  readonly #sent: KindCounters;
  readonly #hooks: BandwidthHooks;
  /** Estimate-driven REMB evaluations: one per interval, a request inside it kept as a trailing one. */
  readonly #rembThrottle: KeyframeThrottle;
  #lastRemb = 0;
  #link: LinkEstimator | undefined;

  /** `sent`: the endpoint's video counters (what it sent its remote so far). */
  constructor(sent: KindCounters, hooks: BandwidthHooks) {
    this.values = this.#values;
    this.#sent = sent;
    this.#hooks = hooks;
    this.#rembThrottle = new KeyframeThrottle(REMB_INTERVAL_MS, () => hooks.evaluateRemb());
  }

  /** The send cap the app asked for, in kbps (0: none asked). */
  get explicitSendLimit(): number {
    return this.#explicit.has('maxVideoSendBandwidth') ? this.#values.maxVideoSendBandwidth : 0;
  }

  /**
   * This endpoint's cap as a video sink, in kbps (0: none): the send cap the app asked for or
   * what the link to its remote is estimated to carry, whichever is lower.
   */
  get sinkLimit(): number {
    return viewerLimit(this.explicitSendLimit, this.#link?.kbps ?? 0);
  }

  /**
   * The REMB this endpoint's publisher is to be told, in bps, or undefined when unchanged: its own
   * maxVideoRecvBandwidth and the median of its video sinks' caps (`sinkLimit`: an SFU cannot
   * re-encode per sink; see media/rembPolicy.ts). Lifting every cap is a REMB far above any
   * camera's bitrate.
   */
  rembFor(sinkLimits: Iterable<number>): number | undefined {
    // Net's policy (media/rembPolicy.ts): the median viewer's cap, not the worst one's.
    const limit = publisherLimit(this.#values.maxVideoRecvBandwidth, sinkLimits);
    if (limit === this.#lastRemb) return undefined;
    this.#lastRemb = limit;
    return limit > 0 ? limit * 1000 : 100_000_000;
  }

  /** A sink's estimate moved: re-evaluate this (source) endpoint's REMB, rate-limited. */
  requestRemb(now: boolean): void {
    if (now) this.#hooks.evaluateRemb();
    else this.#rembThrottle.request();
  }

  /** A new transport to the remote: its link is estimated from scratch. */
  startLink(): void {
    this.#link = new LinkEstimator();
  }

  /** A NACK from the remote for what we send it. */
  onNack(kind: MediaKind, lost: readonly number[]): void {
    if (kind === 'video') this.#link?.onNack(lost);
  }

  /** A receiver report block from the remote about what we send it. */
  onReport(kind: MediaKind, block: ReportBlock, lastSr: LastSenderReport | undefined): void {
    const link = this.#link;
    if (kind !== 'video' || !link) return;
    const now = Date.now();
    const sent = { packets: this.#sent.packetsOut, bytes: this.#sent.bytesOut };
    const floor = this.#values.minVideoSendBandwidth * 1000;
    const rtt = rttFromReport(block, lastSr, now);
    if (link.onReport(block, sent, now, rtt, floor)) this.#hooks.sinkCapChanged(false);
  }

  /** What the link to the remote is estimated to carry (undefined: no transport yet). */
  get link(): LinkSnapshot | undefined {
    return this.#link?.snapshot();
  }

  /** Timers owned now (for leak checks). */
  get timers(): number {
    return this.#rembThrottle.pending ? 1 : 0;
  }

  close(): void {
    this.#rembThrottle.close();
    this.#link = undefined;
  }

  /** Registers the Kurento properties; a changed cap re-evaluates the REMBs it enters. */
  static register(property: DefineProperty<BandwidthSettings>): void {
    for (const name of BANDWIDTH_PROPS) {
      property(
        name,
        (b) => b.#values[name],
        (b, p, n) => {
          const v = p.int(n);
          if (v < 0) throw Errors.marshall(`'${n}' parameter should not be negative`);
          b.#values[name] = v;
          b.#explicit.add(name);
          if (name === 'maxVideoSendBandwidth') b.#hooks.sinkCapChanged(true);
          if (name === 'maxVideoRecvBandwidth') b.#hooks.evaluateRemb();
        },
      );
    }
  }
}
