import dgram from 'node:dgram';
import type { RTCRtpTransceiver } from 'werift';
import type { NativeSrtpContext } from './native';
import type { SenderReportSource } from './rtcpReports';
import { SendHistory } from './SendHistory';
import { setSenderReportSource } from './rtcpReports';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';
import type { WeriftUdpTransport } from './UdpRoute';
import { UdpRoute } from './UdpRoute';

interface Nominated {
  protocol: { sendData(data: Buffer, addr: readonly [string, number]): Promise<void> };
  remoteAddr: readonly [string, number];
  /** werift's pair counters: what arrived on the pair (data; the remote's STUN checks). */
  packetsReceived: number;
  requestsReceived: number;
}

/** What the addon's route sends with for one sink (RtpSink.hold). */
export interface RouteSinkState {
  ctx: NativeSrtpContext;
  lastSeq: number;
  roc: number;
  fd: number;
  ssrc: number;
  pt: number;
  seqOffset: number;
  tsOffset: number;
  tagLength: number;
}

/**
 * The per-sink, per-kind send path: rewrites SSRC / payload type / sequence number / timestamp,
 * encrypts once into the final buffer and hands it to the nominated ICE socket. It replaces
 * werift's RTCRtpSender.sendRtp (header objects, extension mapping and sorting, several awaits
 * and a BWE record per packet) and keeps its own history to answer NACKs.
 */
export class RtpSink implements SenderReportSource {
  readonly #t: RTCRtpTransceiver;
  #writer: SrtpWriter | undefined;
  #writerFor: unknown;
  /** Output numbering: offsets re-based whenever the source (SSRC) changes. */
  #srcSsrc = -1;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq = Math.floor(Math.random() * 0x8000);
  #lastTs = Math.floor(Math.random() * 0x7fffffff);
  /** When #lastTs was first sent (performance clock): the SR extrapolates from it. */
  #lastTsAt = 0;
  /**
   * What a NACK can ask for again, made at the first packet, and only when the remote can NACK
   * this stream (video; audio only if its codec negotiated `nack`, which Chromium's Opus does
   * not): a publisher's endpoint never sends, an audio sink would only keep ~10 s of packets
   * alive for nothing (memory, issue 15).
   */
  #history: SendHistory | null | undefined;
  #pair: Nominated | undefined;
  /** The nominated pair's UDP socket, connected to the remote (undefined for TURN/TCP pairs). */
  #udp: UdpRoute | undefined;
  #packets = 0;
  #octets = 0;
  /** While the addon's route sends for this sink (nativeRoute.ts): takes its state back. */
  #release: (() => void) | undefined;
  /** The socket the route sends on (the UDP route's, which may disconnect it). */
  #routeFd = -1;

  constructor(t: RTCRtpTransceiver) {
    this.#t = t;
    setSenderReportSource(t.sender, this);
  }

  /** Forwards one packet of the source. Returns the bytes sent (0 when not ready). */
  send(srcSsrc: number, srcSeq: number, srcTs: number, marker: boolean, payload: Buffer): number {
    this.#release?.();
    if (srcSsrc !== this.#srcSsrc) {
      // New source (or first packet): continue our numbering where it stopped.
      this.#srcSsrc = srcSsrc;
      this.#seqOffset = (this.#lastSeq + 1 - srcSeq) & 0xffff;
      this.#tsOffset = (this.#lastTs + 3000 - srcTs) >>> 0;
    }
    const seq = (srcSeq + this.#seqOffset) & 0xffff;
    const ts = (srcTs + this.#tsOffset) >>> 0;
    this.#number(seq, ts, marker, payload);
    return this.#emit(seq, ts, marker, payload);
  }

  /** What a sent packet `seq` leaves: the numbering for the next, the SR's clock, the history. */
  #number(seq: number, ts: number, marker: boolean, payload: Buffer): void {
    if (((seq - this.#lastSeq) & 0xffff) < 0x8000) {
      this.#lastSeq = seq;
      // One clock read per frame (a timestamp spans a frame's packets), not per packet.
      if (ts !== this.#lastTs) {
        this.#lastTs = ts;
        this.#lastTsAt = performance.now();
      }
    }
    const history = this.#history === undefined ? this.#makeHistory(seq) : this.#history;
    history?.put(seq, ts, marker, payload, this.#lastTsAt);
  }

  /**
   * For the addon's route: what it sends for this sink in `send`'s place, when this sink may be
   * routed now (numbered for `srcSsrc` already, history decided, connected, a native writer on a
   * connected UDP socket, not on a forwarding thread). `release` takes the route back before
   * anything else of this sink's sending runs (send, retransmit).
   */
  hold(srcSsrc: number, release: () => void): RouteSinkState | undefined {
    const dtls = this.#t.sender.dtlsTransport;
    const codec = this.#t.sender.codec;
    if (this.#release || srcSsrc !== this.#srcSsrc || this.#history === undefined) return undefined;
    if (this.#packets === 0 || !codec || !this.routable()) return undefined;
    const w = this.#writer?.routeState();
    const fd = this.#udp?.fd ?? -1;
    if (!w || fd < 0) return undefined;
    this.#release = release;
    this.#routeFd = fd;
    const tag = (dtls.srtp as unknown as { localContext?: SrtpKeys }).localContext?.profile === 7;
    return {
      ...w,
      fd,
      ssrc: this.#t.sender.ssrc >>> 0,
      pt: codec.payloadType,
      seqOffset: this.#seqOffset,
      tsOffset: this.#tsOffset,
      tagLength: tag ? 16 : 10,
    };
  }

  /** Whether what `hold` found still holds (the transport, its SRTP session, the pair). */
  routable(): boolean {
    const dtls = this.#t.sender.dtlsTransport;
    return (
      dtls.state === 'connected' &&
      this.#writer !== undefined &&
      this.#writerFor === dtls.srtp &&
      this.#pair !== undefined &&
      this.#pair === (dtls.iceTransport.connection.nominated as unknown) &&
      (this.#release === undefined || (this.#udp?.fd ?? -1) === this.#routeFd)
    );
  }

  /** Takes back the rollover state the route left (its numbering is this sink's already). */
  unhold(lastSeq: number, roc: number): void {
    this.#release = undefined;
    this.#writer?.setRocState(lastSeq, roc);
  }

  /** Lets the route go if it holds this sink (a transport change, close). */
  release(): void {
    this.#release?.();
  }

  /** One packet the route sent (`sent`: it left) for source packet `srcSeq`, `srcTs`. */
  routed(srcSeq: number, srcTs: number, marker: boolean, payload: Buffer, sent: boolean): void {
    const seq = (srcSeq + this.#seqOffset) & 0xffff;
    this.#number(seq, (srcTs + this.#tsOffset) >>> 0, marker, payload);
    this.#writer?.follow(seq);
    if (!sent) return;
    this.#packets++;
    this.#octets += payload.length;
  }

  /** The round trip to the remote (RTCP receiver reports): how long packets stay in history. */
  set rttMs(rtt: number | undefined) {
    if (this.#history) this.#history.rttMs = rtt;
  }

  #makeHistory(firstSeq: number): SendHistory | null | undefined {
    const t = this.#t;
    const codec = t.sender.codec;
    if (!codec) return undefined; // not negotiated yet: decide at a later packet
    const nack = t.kind === 'video' || codec.rtcpFeedback.some((f) => f.type === 'nack');
    this.#history = nack ? new SendHistory(firstSeq) : null;
    return this.#history;
  }

  /** Answers a NACK from the remote with the packets still in history. */
  retransmit(lost: readonly number[]): number {
    // The writer follows the route's numbering (routed): a retransmission can go out beside it.
    const h = this.#history;
    if (!h) return 0;
    let n = 0;
    const now = performance.now();
    for (const seq of lost) {
      const p = h.get(seq, now);
      if (p && this.#emit(seq, p.ts, p.marker, p.payload) > 0) n++;
    }
    return n;
  }

  #emit(seq: number, ts: number, marker: boolean, payload: Buffer): number {
    const sender = this.#t.sender;
    const dtls = sender.dtlsTransport;
    const codec = sender.codec;
    if (dtls.state !== 'connected' || !codec) return 0;
    const writer = this.#srtp(dtls);
    if (!writer || !this.#route(dtls)) return 0;
    const udp = this.#udp;
    const fd = udp && writer.canSend ? udp.fd : -1;
    let bytes: number;
    if (fd >= 0) {
      // Native: protect and send in one call, no Buffer, no libuv queue (native.ts), or queued
      // for a forwarding thread that does both (fanOut.ts).
      bytes = writer.send(fd, codec.payloadType, marker, seq, ts, sender.ssrc, payload);
      if (bytes <= 0) return 0; // socket buffer full or remote gone: lost, like on the wire
    } else {
      const out = writer.encrypt(codec.payloadType, marker, seq, ts, sender.ssrc, payload);
      if (udp) udp.send(out);
      else void this.#pair?.protocol.sendData(out, this.#pair.remoteAddr).catch(() => undefined);
      bytes = out.length;
    }
    // What the sender reports say (senderReport); the first packet starts them (rtcpReports.ts).
    if (this.#packets++ === 0) void sender.runRtcp();
    this.#octets += payload.length;
    return bytes;
  }

  /** SR contents at `nowMs`: the RTP clock extrapolated from the last frame sent. */
  senderReport(
    nowMs: number,
  ): { rtpTimestamp: number; packets: number; octets: number } | undefined {
    if (this.#packets === 0) return undefined;
    const rate = this.#t.sender.codec?.clockRate ?? 90000;
    const elapsed = Math.max(0, nowMs - this.#lastTsAt);
    return {
      rtpTimestamp: (this.#lastTs + Math.round((elapsed * rate) / 1000)) >>> 0,
      packets: this.#packets,
      octets: this.#octets,
    };
  }

  #srtp(dtls: RTCRtpTransceiver['sender']['dtlsTransport']): SrtpWriter | undefined {
    // The SRTP session is (re)created by werift when DTLS completes; follow it.
    const session = dtls.srtp as unknown as { localContext?: SrtpKeys } | undefined;
    if (!session) return undefined;
    if (this.#writerFor !== session) {
      const ctx = session.localContext;
      if (!ctx) return undefined;
      this.#release?.(); // a new SRTP session: the route's context is the old one's
      this.#writer?.close();
      this.#writer = new SrtpWriter(ctx);
      this.#writerFor = session;
    }
    return this.#writer;
  }

  /** Caches the nominated pair's socket and remote address; re-read when ICE re-nominates. */
  #route(dtls: RTCRtpTransceiver['sender']['dtlsTransport']): boolean {
    const pair = dtls.iceTransport.connection.nominated as unknown as Nominated | undefined;
    if (!pair) return false;
    if (pair !== this.#pair) {
      this.#pair = pair;
      // The old socket's fd number may be the new one's too (closed and handed out again):
      // the forwarding thread's copy of it must not be taken for the new socket.
      this.#release?.();
      this.#writer?.close();
      const transport = (pair.protocol as { transport?: { socket?: unknown } }).transport;
      this.#udp =
        transport?.socket instanceof dgram.Socket
          ? UdpRoute.for(
              transport as WeriftUdpTransport,
              pair.remoteAddr[0],
              pair.remoteAddr[1],
              () => pair.packetsReceived + pair.requestsReceived,
            )
          : undefined;
    }
    return true;
  }

  close(): void {
    this.#release?.();
    this.#history?.clear();
    this.#history = null;
    this.#pair = undefined;
    this.#udp = undefined;
    this.#writer?.close();
    this.#writer = undefined;
  }
}
