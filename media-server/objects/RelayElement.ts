import type { RtpPacket } from 'werift';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { Counters } from '../media/counters';
import type { KurentoMediaType } from './MediaElement';
import { KIND_OF, MediaElement, TYPE_OF } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import type { JsonObject } from './params';

/** Media counts as flowing while a packet came within this window (no timer per element). */
const FLOW_WINDOW_MS = 2000;

/**
 * An element that only routes media (PassThrough, HubPort): it holds no transport, sends what
 * its source sends, and passes keyframe requests upstream (MediaElement's default).
 */
export abstract class RelayElement extends MediaElement {
  readonly counters = new Counters();
  readonly #lastIn = new Map<MediaKind, number>();
  readonly #lastOut = new Map<MediaKind, number>();

  protected constructor(host: ObjectHost, typeName: string, parent: MediaObject) {
    super(host, typeName, parent);
  }

  /** What this element relays on `kind` comes from here (its source, or a hub's source). */
  protected upstreamCodecSource(kind: MediaKind): MediaElement | undefined {
    return this.sourceOf(TYPE_OF[kind]);
  }

  /** Set while a codec question travels through this element (a cycle of relays ends here). */
  #asking = false;

  override sendCodec(kind: MediaKind): CodecSpec | undefined {
    if (this.#asking) return undefined;
    this.#asking = true;
    try {
      return this.upstreamCodecSource(kind)?.sendCodec(kind);
    } finally {
      this.#asking = false;
    }
  }

  override recvCodec(kind: MediaKind): CodecSpec | undefined {
    if (this.#asking) return undefined;
    this.#asking = true;
    try {
      for (const sink of this.sinksOf(TYPE_OF[kind])) {
        const c = sink.recvCodec(kind);
        if (c) return c;
      }
      return undefined;
    } finally {
      this.#asking = false;
    }
  }

  protected countIn(kind: MediaKind, rtp: RtpPacket): void {
    const c = this.counters.of(kind);
    c.packetsIn++;
    c.bytesIn += rtp.payload.length + 12;
    this.#lastIn.set(kind, Date.now());
  }

  /** Sends a packet on to this element's sinks. */
  protected relay(kind: MediaKind, rtp: RtpPacket): void {
    if (this.sinksOf(TYPE_OF[kind]).length > 0) {
      const c = this.counters.of(kind);
      c.packetsOut++;
      c.bytesOut += rtp.payload.length + 12;
      this.#lastOut.set(kind, Date.now());
    }
    this.forward(kind, rtp);
  }

  protected isFlowing(dir: 'in' | 'out', type: KurentoMediaType): boolean {
    const kind = KIND_OF[type];
    const last = kind ? (dir === 'in' ? this.#lastIn : this.#lastOut).get(kind) : undefined;
    return last !== undefined && Date.now() - last < FLOW_WINDOW_MS;
  }

  protected getStats(type: KurentoMediaType | undefined): JsonObject {
    const out: JsonObject = {};
    for (const kind of ['audio', 'video'] as const) {
      if (type && KIND_OF[type] !== kind) continue;
      const c = this.counters.of(kind);
      const id = `${kind}-element`;
      out[id] = {
        __module__: 'kurento',
        __type__: 'ElementStats',
        id,
        type: 'element',
        timestampMillis: Date.now(),
        inputAudioLatency: 0,
        inputVideoLatency: 0,
        packetsReceived: c.packetsIn,
        packetsSent: c.packetsOut,
      };
    }
    return out;
  }

  protected onRelease(): void {
    this.disconnectAll();
  }
}
