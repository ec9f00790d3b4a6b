import dgram from 'node:dgram';
import type { RTCRtpTransceiver } from 'werift';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';
import type { WeriftUdpTransport } from './UdpRoute';
import { UdpRoute } from './UdpRoute';

/** Packets kept for NACK answers: ~1.5 s of 720p video at 70 packets/s… and then some. */
const HISTORY = 512;

interface SenderReportState {
  packetCount: number;
  octetCount: number;
  rtpTimestamp: number;
  ntpTimestamp: bigint;
}

interface Nominated {
  protocol: { sendData(data: Buffer, addr: readonly [string, number]): Promise<void> };
  remoteAddr: readonly [string, number];
}

/**
 * The per-sink, per-kind send path: rewrites SSRC / payload type / sequence number / timestamp,
 * encrypts once into the final buffer and hands it to the nominated ICE socket. It replaces
 * werift's RTCRtpSender.sendRtp (header objects, extension mapping and sorting, several awaits
 * and a BWE record per packet) and keeps its own history to answer NACKs.
 */
export class RtpSink {
  readonly #t: RTCRtpTransceiver;
  #writer: SrtpWriter | undefined;
  #writerFor: unknown;
  /** Output numbering: offsets re-based whenever the source (SSRC) changes. */
  #srcSsrc = -1;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq = Math.floor(Math.random() * 0x8000);
  #lastTs = Math.floor(Math.random() * 0x7fffffff);
  readonly #histPayload: (Buffer | undefined)[] = new Array<Buffer | undefined>(HISTORY);
  readonly #histSeq = new Int32Array(HISTORY).fill(-1);
  readonly #histTs = new Uint32Array(HISTORY);
  readonly #histMarker = new Uint8Array(HISTORY);
  #pair: Nominated | undefined;
  /** The nominated pair's UDP socket, connected to the remote (undefined for TURN/TCP pairs). */
  #udp: UdpRoute | undefined;
  #packets = 0;
  #octets = 0;

  constructor(t: RTCRtpTransceiver) {
    this.#t = t;
  }

  /** Forwards one packet of the source. Returns the bytes sent (0 when not ready). */
  send(srcSsrc: number, srcSeq: number, srcTs: number, marker: boolean, payload: Buffer): number {
    if (srcSsrc !== this.#srcSsrc) {
      // New source (or first packet): continue our numbering where it stopped.
      this.#srcSsrc = srcSsrc;
      this.#seqOffset = (this.#lastSeq + 1 - srcSeq) & 0xffff;
      this.#tsOffset = (this.#lastTs + 3000 - srcTs) >>> 0;
    }
    const seq = (srcSeq + this.#seqOffset) & 0xffff;
    const ts = (srcTs + this.#tsOffset) >>> 0;
    if (((seq - this.#lastSeq) & 0xffff) < 0x8000) {
      this.#lastSeq = seq;
      this.#lastTs = ts;
    }
    const slot = seq % HISTORY;
    this.#histPayload[slot] = payload;
    this.#histSeq[slot] = seq;
    this.#histTs[slot] = ts;
    this.#histMarker[slot] = marker ? 1 : 0;
    return this.#emit(seq, ts, marker, payload);
  }

  /** Answers a NACK from the remote with the packets still in history. */
  retransmit(lost: readonly number[]): number {
    let n = 0;
    for (const seq of lost) {
      const slot = seq % HISTORY;
      const payload = this.#histPayload[slot];
      if (!payload || this.#histSeq[slot] !== seq) continue;
      if (this.#emit(seq, this.#histTs[slot] ?? 0, this.#histMarker[slot] === 1, payload) > 0) n++;
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
      // Native: protect and send in one call, no Buffer, no libuv queue (native.ts).
      bytes = writer.send(fd, codec.payloadType, marker, seq, ts, sender.ssrc, payload);
      if (bytes <= 0) return 0; // socket buffer full or remote gone: lost, like on the wire
    } else {
      const out = writer.encrypt(codec.payloadType, marker, seq, ts, sender.ssrc, payload);
      if (udp) udp.send(out);
      else void this.#pair?.protocol.sendData(out, this.#pair.remoteAddr).catch(() => undefined);
      bytes = out.length;
    }
    // werift's SR generator reads these (packet/octet counts; RTP↔NTP pairing every 32 packets).
    this.#packets++;
    this.#octets += payload.length;
    // Private in werift's typings, but they are what its SR generator reports.
    const sr = sender as unknown as SenderReportState;
    sr.packetCount = this.#packets;
    sr.octetCount = this.#octets;
    if ((this.#packets & 31) === 1) {
      sr.rtpTimestamp = ts;
      sr.ntpTimestamp = ntpNow();
      void sender.runRtcp();
    }
    return bytes;
  }

  #srtp(dtls: RTCRtpTransceiver['sender']['dtlsTransport']): SrtpWriter | undefined {
    // The SRTP session is (re)created by werift when DTLS completes; follow it.
    const session = dtls.srtp as unknown as { localContext?: SrtpKeys } | undefined;
    if (!session) return undefined;
    if (this.#writerFor !== session) {
      const ctx = session.localContext;
      if (!ctx) return undefined;
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
      const transport = (pair.protocol as { transport?: { socket?: unknown } }).transport;
      this.#udp =
        transport?.socket instanceof dgram.Socket
          ? UdpRoute.for(transport as WeriftUdpTransport, pair.remoteAddr[0], pair.remoteAddr[1])
          : undefined;
    }
    return true;
  }

  close(): void {
    this.#histPayload.fill(undefined);
    this.#pair = undefined;
    this.#udp = undefined;
    this.#writer = undefined;
  }
}

/** 64-bit NTP timestamp as werift's sender keeps it (bigint). */
function ntpNow(): bigint {
  const ms = Date.now() + 2208988800000;
  const sec = Math.floor(ms / 1000);
  const frac = Math.floor(((ms % 1000) / 1000) * 0x100000000);
  return (BigInt(sec) << 32n) | BigInt(frac);
}
