import type { RtpPacket } from 'werift';
import type { MediaKind } from './codecs';
import type { StreamStats } from './fastReceive';
import { addStatsOf, isRtxOrRed } from './fastReceive';
import { rtpPayloadOffset, sizes } from './fastRtpHeader';
import { NackGenerator } from './NackGenerator';

const EMPTY = Buffer.alloc(0);

/**
 * One RTP packet from a source as the forward path reads it (RtpSink: sink.send). One object per
 * connection, rewritten for every packet: a sink reads it synchronously and keeps nothing of it
 * but the payload Buffer (SendHistory does).
 */
export class RtpView {
  ssrc = 0;
  seq = 0;
  ts = 0;
  marker = false;
  /** Without the padding, as werift's RtpPacket has it. */
  payload: Buffer = EMPTY;
  /** werift's packet when it came through werift's chain. */
  packet: RtpPacket | undefined = undefined;
  #bytes: Buffer = EMPTY;
  #length = 0;

  /** The decrypted packet, from the short route (a sink that wants werift's packet parses it). */
  bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  /** Fills the view from the short route: `buf`'s first `length` bytes are the packet. */
  set(
    ssrc: number,
    seq: number,
    ts: number,
    marker: boolean,
    payload: Buffer,
    buf: Buffer,
    length: number,
  ): void {
    this.ssrc = ssrc;
    this.seq = seq;
    this.ts = ts;
    this.marker = marker;
    this.payload = payload;
    this.packet = undefined;
    this.#bytes = buf;
    this.#length = length;
  }

  /** Fills the view from werift's packet (werift's chain). */
  of(p: RtpPacket): this {
    const h = p.header;
    this.ssrc = h.ssrc;
    this.seq = h.sequenceNumber;
    this.ts = h.timestamp;
    this.marker = h.marker;
    this.payload = p.payload;
    this.packet = p;
    this.#bytes = EMPTY;
    return this;
  }
}

/** A routed packet, as the endpoint takes it. */
export type ShortRtpHandler = (kind: MediaKind, view: RtpView) => void;

interface EventShape {
  event: { stack: unknown[]; promiseStack: unknown[] };
  ended?: boolean;
}

interface ReceiverShape {
  stopped: boolean;
  codecs: Record<number, { name: string } | undefined>;
  remoteStreams: Record<number, StreamStats | undefined>;
  trackBySSRC: Record<number, unknown>;
  receiverTWCC?: unknown;
  twccEnabled: unknown;
  nackEnabled: unknown;
  nack: unknown;
  rtcpRunning: boolean;
  runRtcp(): Promise<void>;
}

interface RouterShape {
  ssrcTable: Record<number, unknown>;
  ridTable: Record<string, unknown>;
  extIdUriMap: Record<number, string>;
}

/** A routed source as the addon's route (nativeRoute.ts) reads it. */
export interface Route {
  kind: MediaKind;
  pt: number;
  codec: object;
  receiver: ReceiverShape;
  stats: StreamStats;
  nack: NackGenerator | null;
  trackEvent: EventShape;
}

const SDES_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
let taken = 0;

/** Packets that took a short route in this process (tests, benchmarks). */
export function shortRouteStats(): { taken: number } {
  return { taken };
}

/** `MEDIA_SHORT_ROUTE=off` keeps every packet on werift's receive chain. */
export function shortRouteEnabled(): boolean {
  return process.env['MEDIA_SHORT_ROUTE'] !== 'off';
}

/** werift's per-packet events as the lean Event (fastReceive.ts) runs them: sync listeners only. */
function listening(e: EventShape | undefined, n: number): boolean {
  return (
    e !== undefined && !e.ended && e.event.stack.length === n && e.event.promiseStack.length === 0
  );
}

/**
 * The short receive route of one connection (issue 15, session 12): a decrypted RTP packet of a
 * known SSRC goes from the socket's handler (fastDatagram.ts) to the endpoint's handler, doing
 * on its way what werift's chain (the `onRtp` event, the peer connection's listener, the router,
 * the receiver's `handleRTP`, the track's event, the Peer's listener) does that anything reads:
 * the receiver's stream statistics (receiver reports, getStats), the NACK generator's sequence
 * tracking (video with NACK), the receiver's RTCP start. No RtpHeader, no RtpPacket, no event.
 *
 * A source is routed only after its first packet took werift's whole chain (which creates its
 * statistics, names its track, sets the receiver's mid, unmutes the track, and lets the Peer
 * learn the remote SSRC: keyframe requests and REMB wait for it), and only while nothing the
 * chain would do differently applies: the SSRC still belongs to that receiver, the payload type
 * is the one learnt (RTX and RED have their own, and keep werift's path), the receiver is not
 * stopped, the connection has no simulcast (RID) and no header extension but sdes:mid (the router
 * reads them), no TWCC, and nobody else listens on the transport's `onRtp` or the track's event.
 * Each packet checks these; any failing sends it werift's way. Headers that are not well formed
 * take werift's parse (rtpPayloadOffset).
 */
export class ShortRoutes {
  readonly #routes = new Map<number, Route>();
  readonly #router: RouterShape;
  readonly #handler: ShortRtpHandler;
  readonly #view = new RtpView();
  #transportEvent: EventShape | undefined;

  constructor(router: unknown, handler: ShortRtpHandler) {
    this.#router = router as RouterShape;
    this.#handler = handler;
  }

  /** The transport whose datagrams come here: werift's one listener of its `onRtp` is skipped. */
  attach(dtls: { onRtp?: unknown }): void {
    this.#transportEvent = dtls.onRtp as EventShape | undefined;
  }

  /** After `packet` took werift's chain to the Peer's track listener: route its SSRC if it may. */
  learn(packet: RtpPacket, kind: MediaKind, track: { onReceiveRtp: unknown }): void {
    const { ssrc, payloadType: pt } = packet.header;
    if (this.#routes.has(ssrc)) return;
    const router = this.#router;
    const receiver = router.ssrcTable[ssrc] as ReceiverShape | undefined;
    const codec = receiver?.codecs[pt];
    const stats = receiver?.remoteStreams[ssrc];
    const trackEvent = track.onReceiveRtp as EventShape;
    if (!receiver || !codec || !stats || isRtxOrRed(codec)) return;
    if (receiver.receiverTWCC || receiver.twccEnabled) return;
    if (receiver.trackBySSRC[ssrc] !== track || Object.keys(router.ridTable).length > 0) return;
    if (!Object.values(router.extIdUriMap).every((u) => u === SDES_MID)) return;
    // Two listeners: the track's own (unmutes it, keeps the first header) and the Peer's.
    if (!listening(trackEvent, 2) || !listening(this.#transportEvent, 1)) return;
    const wantsNack = kind === 'video' && Boolean(receiver.nackEnabled);
    if (wantsNack && !(receiver.nack instanceof NackGenerator)) return;
    const nack = wantsNack ? (receiver.nack as NackGenerator) : null;
    this.#routes.set(ssrc, { kind, pt, codec, receiver, stats, nack, trackEvent });
  }

  /**
   * Handles a packet decrypted in place, `buf`'s first `length` bytes, on its route; false when
   * it is not routed: werift's chain takes it.
   */
  take(buf: Buffer, length = buf.length): boolean {
    if (length < 12) return false;
    const ssrc = buf.readUInt32BE(8);
    const route = this.#routes.get(ssrc);
    if (route === undefined) return false;
    const b1 = buf[1] as number;
    const pt = b1 & 0x7f;
    const receiver = route.receiver;
    if (pt !== route.pt || !this.#holds(ssrc, route)) return false;
    const offset = rtpPayloadOffset(buf, length);
    if (offset < 0) return false;
    // As werift's RtpPacket.deSerialize: the payload ends before the padding the last byte counts.
    const padding = ((buf[0] as number) & 0x20) !== 0 ? (buf[length - 1] as number) : 0;
    const payload = buf.subarray(offset, length - padding);
    const seq = buf.readUInt16BE(2);
    const ts = buf.readUInt32BE(4);
    const now = performance.timeOrigin + performance.now();
    addStatsOf(route.stats, seq, ts, sizes.header, payload.length, now);
    route.nack?.addSeq(ssrc, seq);
    taken++;
    const v = this.#view;
    v.set(ssrc, seq, ts, (b1 & 0x80) !== 0, payload, buf, length);
    this.#handler(route.kind, v);
    if (!receiver.rtcpRunning) void receiver.runRtcp();
    return true;
  }

  /** Whether what `take` checks per packet still lets `route` take its SSRC's packets. */
  #holds(ssrc: number, route: Route): boolean {
    const receiver = route.receiver;
    return (
      !receiver.stopped &&
      receiver.codecs[route.pt] === route.codec &&
      this.#router.ssrcTable[ssrc] === receiver &&
      listening(route.trackEvent, 2) &&
      listening(this.#transportEvent, 1)
    );
  }

  /** The route of `ssrc` if `take` would take its packets of the learnt payload type now. */
  routeOf(ssrc: number): Route | undefined {
    const route = this.#routes.get(ssrc);
    return route && this.#holds(ssrc, route) ? route : undefined;
  }

  /** Packets the addon's route took (nativeRoute.ts): they count as taken here. */
  countTaken(n: number): void {
    taken += n;
  }

  /** SSRCs routed now (tests). */
  get routed(): number[] {
    return [...this.#routes.keys()];
  }

  clear(): void {
    this.#routes.clear();
  }
}
