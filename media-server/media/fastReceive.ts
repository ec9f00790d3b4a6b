import type { RtpPacket } from 'werift';
import { RTCRtpReceiver } from 'werift';

/**
 * werift's receive path, per incoming RTP packet, as bench:profile shows it at N = 2: sorting the
 * receiver's codecs twice (`nackEnabled` → `codecArray` → `Object.values().sort()`), parsing header
 * extensions into a fresh object in the router, a `clone()` of the packet (header and payload
 * copied) for the track, a `runRtcp()` call that allocates a promise only to return, and an async
 * closure with a promise in every werift `Event.execute` even when nobody awaits. Together about
 * a fifth of the media server's busy time. These patches keep werift's behaviour for what this
 * server negotiates (no RTX, RED, TWCC or simulcast: those packets still take werift's own path),
 * and drop only work whose result nobody reads:
 *
 * - `Event.execute` of the per-packet events (`leanEvent`) skips the async part when no async
 *   listener is subscribed (none is);
 * - `handleRTP` keeps the stream statistics (receiver reports) and NACK tracking, hands the track
 *   the packet itself (the forward path never mutates a packet; MediaElement.deliver says so),
 *   caches the NACK/TWCC flags per receiver and starts the RTCP loop once;
 * - `routeRtp` (per connection, `fastRouteRtp`) goes straight to the receiver of a known SSRC
 *   when the connection negotiated no extension the router reads (we negotiate sdes:mid only).
 */

interface WeriftEventShape {
  event: { stack: unknown[]; promiseStack: unknown[] };
  execute: (...args: unknown[]) => void;
}

interface ReceiverInternals {
  stopped: boolean;
  codecs: Record<number, { name: string; clockRate: number } | undefined>;
  remoteStreams: Record<number, StreamStats | undefined>;
  receiverTWCC?: unknown;
  twccEnabled: unknown;
  nackEnabled: unknown;
  nack: { addPacket(p: RtpPacket): void };
  rtcpRunning: boolean;
  runRtcp(): Promise<void>;
  handleRTP(packet: RtpPacket, extensions: Record<string, unknown>, track: unknown): void;
  prepareReceive(params: unknown): void;
}

interface TrackShape {
  kind: string;
  onReceiveRtp: { execute(p: RtpPacket, ext: Record<string, unknown>): void };
}

const NO_EXTENSIONS: Record<string, unknown> = Object.freeze({});
/** Per receiver: whether NACK is on for its (only) codec set; cleared when codecs change. */
const nackOf = new WeakMap<object, boolean>();
let installed = false;

export function installFastReceive(): void {
  if (installed) return;
  installed = true;
  patchHandleRtp();
}

/**
 * Gives one werift Event a synchronous `execute` while it has no async listener (werift's own
 * builds an async closure and a promise per call even then). Per instance, not by replacing the
 * class: werift comes as two copies (CommonJS for the server bundle, an ESM bundle for vitest)
 * and the ESM one does not expose its Event class. Listeners added later are honoured: the
 * lists are read on every call.
 */
const leaned = new WeakSet<object>();

export function leanEvent(event: unknown): void {
  const e = event as Partial<WeriftEventShape> & { ended?: boolean };
  const slow = e.execute;
  const first = e.event;
  if (typeof slow !== 'function' || !first || !Array.isArray(first.stack) || leaned.has(e)) {
    return;
  }
  leaned.add(e);
  e.execute = (...args: unknown[]) => {
    // Read per call: werift's unSubscribe replaces the array and allUnsubscribe the whole
    // `event` (kept ones ran removed listeners and missed new ones).
    const ev = e.event as WeriftEventShape['event'];
    if (ev.promiseStack.length > 0) {
      slow(...args);
      return;
    }
    if (e.ended) return;
    const stack = ev.stack as { execute: (...a: unknown[]) => void }[];
    for (let i = 0; i < stack.length; i++) stack[i]?.execute(...args);
  };
}

/** werift's StreamStatistics (webrtc/src/media/receiver/statistics.js), its fields. */
export interface StreamStats {
  base_seq?: number;
  max_seq?: number;
  cycles: number;
  packets_received: number;
  bytesReceived: number;
  headerBytesReceived: number;
  lastPacketReceivedTimestamp?: number;
  clockRate: number;
  jitter_q4: number;
  last_arrival?: number;
  last_timestamp?: number;
  add(p: RtpPacket, nowSeconds?: number): void;
}

/**
 * StreamStatistics.add with the same arithmetic on the same fields (receiver reports and getStats
 * read them), minus what it costs per packet in werift: two clock reads (`Date.now()` for the
 * arrival, `performance.now()` for the stats timestamp: one read serves both here) and
 * `Number.parseInt` of a float (a number → string → number round trip) for the arrival in RTP
 * clock units. `nowMs` is on the stats clock (timeOrigin + performance.now()).
 */
export function addStats(
  st: StreamStats,
  packet: RtpPacket,
  nowMs = performance.timeOrigin + performance.now(),
): void {
  const h = packet.header;
  addStatsOf(st, h.sequenceNumber, h.timestamp, h.serializeSize, packet.payload.length, nowMs);
}

/** addStats from the header's fields (the short route has no packet object: shortRoute.ts). */
export function addStatsOf(
  st: StreamStats,
  seq: number,
  ts: number,
  headerBytes: number,
  payloadBytes: number,
  nowMs: number,
): void {
  const max = st.max_seq;
  // werift's uint16Gt: newer by less than half the sequence space.
  const inOrder = max === undefined || (seq !== max && ((seq - max) & 0xffff) < 0x8000);
  st.packets_received++;
  st.bytesReceived += payloadBytes;
  st.headerBytesReceived += headerBytes;
  st.lastPacketReceivedTimestamp = nowMs;
  if (st.base_seq === undefined) st.base_seq = seq;
  if (!inOrder) return;
  const arrival = Math.trunc((nowMs / 1000) * st.clockRate);
  if (max !== undefined && seq < max) st.cycles += 1 << 16;
  st.max_seq = seq;
  if (ts !== st.last_timestamp && st.packets_received > 1) {
    const diff = Math.abs(arrival - (st.last_arrival ?? 0) - (ts - (st.last_timestamp ?? 0)));
    st.jitter_q4 += diff - ((st.jitter_q4 + 8) >> 4);
  }
  st.last_arrival = arrival;
  st.last_timestamp = ts;
}

/**
 * Per codec object, whether it is RTX or RED: werift's `name` is a getter that splits the MIME
 * type (an array and a string per packet; 2 % of the busy time at N = 2). A codec's MIME type
 * does not change once negotiated.
 */
const rtxOrRed = new WeakMap<object, boolean>();

export function isRtxOrRed(codec: { name: string }): boolean {
  let v = rtxOrRed.get(codec);
  if (v === undefined) {
    const name = codec.name.toLowerCase();
    v = name === 'rtx' || name === 'red';
    rtxOrRed.set(codec, v);
  }
  return v;
}

function patchHandleRtp(): void {
  const proto = RTCRtpReceiver.prototype as unknown as ReceiverInternals;
  const original = proto.handleRTP;
  const prepare = proto.prepareReceive;
  proto.prepareReceive = function (this: ReceiverInternals, params: unknown) {
    nackOf.delete(this);
    prepare.call(this, params);
  };
  proto.handleRTP = function (
    this: ReceiverInternals,
    packet: RtpPacket,
    extensions: Record<string, unknown>,
    track: unknown,
  ): void {
    if (this.stopped) return;
    const h = packet.header;
    const codec = this.codecs[h.payloadType];
    if (!codec) return;
    // RTX, RED and TWCC keep werift's own handling.
    if (this.receiverTWCC || isRtxOrRed(codec)) {
      original.call(this, packet, extensions, track);
      return;
    }
    let nack = nackOf.get(this);
    if (nack === undefined) {
      if (this.twccEnabled) {
        original.call(this, packet, extensions, track);
        return;
      }
      nack = Boolean(this.nackEnabled);
      nackOf.set(this, nack);
    }
    const stats = this.remoteStreams[h.ssrc];
    if (!stats) {
      original.call(this, packet, extensions, track); // creates the statistics werift's way
      return;
    }
    addStats(stats, packet);
    const t = track as TrackShape | undefined;
    if (t?.kind === 'video' && nack) this.nack.addPacket(packet);
    t?.onReceiveRtp.execute(packet, extensions);
    if (!this.rtcpRunning) void this.runRtcp();
  };
}

interface RouterShape {
  ssrcTable: Record<
    number,
    { handleRtpBySsrc(p: RtpPacket, ext: Record<string, unknown>): void } | undefined
  >;
  extIdUriMap: Record<number, string>;
  routeRtp: (packet: RtpPacket) => void;
}

const SDES_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/**
 * Routes a connection's RTP straight to the receiver of its SSRC when the connection negotiated
 * no header extension but sdes:mid: the router would parse the extensions into an object per
 * packet only to copy the mid onto the receiver, which each receiver's first packet (taking
 * werift's own path) has done. Unknown SSRCs and other extensions go werift's way.
 */
export function fastRouteRtp(pc: unknown): void {
  const router = (pc as { router?: RouterShape }).router;
  if (!router || typeof router.routeRtp !== 'function') return;
  const slow = router.routeRtp;
  const seen = new WeakSet<object>();
  // Read at the first packet: the remote description (and with it the map) is applied by then,
  // and a Kurento endpoint never renegotiates.
  let midOnly: boolean | undefined;
  router.routeRtp = (packet) => {
    const receiver = router.ssrcTable[packet.header.ssrc];
    midOnly ??= Object.values(router.extIdUriMap).every((u) => u === SDES_MID);
    if (!receiver || !midOnly || !seen.has(receiver)) {
      slow(packet);
      if (receiver) seen.add(receiver);
      return;
    }
    receiver.handleRtpBySsrc(packet, NO_EXTENSIONS);
  };
}

interface DtlsShape {
  onRtp?: unknown;
  onRtcp?: unknown;
  iceTransport?: { connection?: { onData?: unknown; protocols?: { onDataReceived?: unknown }[] } };
}

/** The events every incoming datagram of a connected DTLS transport passes through. */
export function leanTransportEvents(dtls: unknown): void {
  const d = dtls as DtlsShape;
  leanEvent(d.onRtp);
  leanEvent(d.onRtcp);
  const connection = d.iceTransport?.connection;
  leanEvent(connection?.onData);
  for (const p of connection?.protocols ?? []) leanEvent(p.onDataReceived);
}
