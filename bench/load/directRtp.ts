/**
 * The load generator's receive path for big rooms: a connected receiving transport's SRTP media
 * goes from its socket through decryption, the receiver statistics and NACK tracking straight to
 * the listener, without werift's per-packet objects and calls between them (an RtpHeader and an
 * RtpPacket, the router, the receiver, the track event). What a browser does per packet stays:
 * every packet authenticated and decrypted (the transport's SRTP session: SrtpReader, native
 * when the addon is built), the statistics werift keeps per source (what the receiver reports
 * of media/rtcpReports.ts are made from, addStats) and the NACK generator of video
 * (media/NackGenerator.ts). A source's first packet takes werift's whole path, which creates its
 * statistics, starts its receiver reports and names its track; only a source known that way goes
 * direct, and everything that is not RTP (STUN, DTLS, RTCP) stays on werift's path.
 */
import type { RtpPacket } from 'werift';

import { addStats, type StreamStats } from '../../media-server/media/fastReceive';

/** A decrypted packet: header ‖ payload; the payload is `packet[offset, end)`. */
export type MediaListener = (
  kind: 'audio' | 'video',
  packet: Buffer,
  offset: number,
  end: number,
) => void;

interface TransportShape {
  onData?: (data: Buffer, addr: [string, number]) => void;
}

interface Pair {
  protocol: { transport?: TransportShape };
  packetsReceived: number;
  bytesReceived: number;
}

interface DtlsShape {
  state: string;
  srtp?: { decrypt(data: Buffer): Buffer };
  bytesReceived: number;
  packetsReceived: number;
  iceTransport: { connection: { nominated?: Pair } };
}

interface ReceiverShape {
  stopped: boolean;
  nackEnabled: unknown;
  remoteStreams: Record<number, StreamStats | undefined>;
  trackBySSRC: Record<number, { kind: string } | undefined>;
  nack: { addPacket(p: RtpPacket): void };
}

interface RouterShape {
  ssrcTable: Record<number, ReceiverShape | undefined>;
}

interface Source {
  receiver: ReceiverShape;
  stats: StreamStats;
  kind: 'audio' | 'video';
  nack: boolean;
}

/**
 * What addStats and the NACK generator read of a packet (sequence number, timestamp, SSRC,
 * header and payload sizes), one object per connection rewritten for every packet.
 */
class PacketView {
  readonly header = { sequenceNumber: 0, timestamp: 0, ssrc: 0, serializeSize: 0 };
  readonly payload = { length: 0 };

  /** The view where werift's types want a packet: only the fields above are read. */
  asPacket(): RtpPacket {
    return this as unknown as RtpPacket;
  }
}

const installed = new WeakSet<object>();

/** Installs the direct path on one connected DTLS transport of `pc` (a receiving connection). */
export function directRtp(pc: unknown, dtls: unknown, listener: MediaListener): void {
  const router = (pc as { router?: RouterShape }).router;
  const d = dtls as DtlsShape;
  const pair = d.iceTransport.connection.nominated;
  const transport = pair?.protocol.transport;
  const slow = transport?.onData;
  if (!router || !pair || !transport || !slow || installed.has(transport)) return;
  installed.add(transport);
  const sources = new Map<number, Source>();
  const view = new PacketView();
  const packet = view.asPacket();
  const learn = (ssrc: number): void => {
    const receiver = router.ssrcTable[ssrc];
    const stats = receiver?.remoteStreams[ssrc];
    const kind = receiver?.trackBySSRC[ssrc]?.kind;
    if (!receiver || !stats || (kind !== 'audio' && kind !== 'video')) return;
    // werift tracks losses of video only (its handleRTP), when NACK was negotiated.
    sources.set(ssrc, { receiver, stats, kind, nack: kind === 'video' && !!receiver.nackEnabled });
  };
  transport.onData = (data, addr) => {
    const b0 = data[0] ?? 0;
    const b1 = data[1] ?? 0;
    // RTP (RFC 7983: first byte 128–191), not RTCP (PT 192–208 as werift tells them apart).
    const rtp = b0 > 127 && b0 < 192 && data.length >= 12 && (b1 < 192 || b1 > 208);
    const srtp = d.srtp;
    const source = rtp ? sources.get(data.readUInt32BE(8)) : undefined;
    if (
      !source ||
      !srtp ||
      d.state !== 'connected' ||
      d.iceTransport.connection.nominated !== pair
    ) {
      slow(data, addr);
      if (rtp && !source) learn(data.readUInt32BE(8));
      return;
    }
    pair.packetsReceived++;
    pair.bytesReceived += data.length;
    d.bytesReceived += data.length;
    d.packetsReceived++;
    let plain: Buffer;
    try {
      plain = srtp.decrypt(data);
    } catch {
      return; // unauthenticated: werift drops it too
    }
    if (source.receiver.stopped) return;
    const h = plain[0] ?? 0;
    let offset = 12 + (h & 0x0f) * 4;
    if (h & 0x10) offset += 4 + plain.readUInt16BE(offset + 2) * 4;
    const end = h & 0x20 ? plain.length - (plain[plain.length - 1] ?? 0) : plain.length;
    if (offset > end) return; // werift's parse would fail on it
    view.header.sequenceNumber = plain.readUInt16BE(2);
    view.header.timestamp = plain.readUInt32BE(4);
    view.header.ssrc = plain.readUInt32BE(8);
    view.header.serializeSize = offset;
    view.payload.length = end - offset;
    addStats(source.stats, packet);
    if (source.nack) source.receiver.nack.addPacket(packet);
    listener(source.kind, plain, offset, end);
  };
}
