import type { RtcpPacket } from 'werift';
import { RtcpPacketConverter, RtpPacket } from 'werift';
import type { ShortRoutes } from './shortRoute';

/** The parts of werift's transport stack one incoming datagram passes through. */
interface Pair {
  protocol: { transport?: TransportShape };
  packetsReceived: number;
  bytesReceived: number;
}

interface TransportShape {
  onData?: (data: Buffer, addr: [string, number]) => void;
}

interface DtlsShape {
  state: string;
  srtp?: { decrypt(data: Buffer): Buffer; decryptLength?: (data: Buffer) => number };
  srtcp?: { decrypt(data: Buffer): Buffer; decryptLength?: (data: Buffer) => number };
  bytesReceived: number;
  packetsReceived: number;
  onRtp: { execute(rtp: RtpPacket): void };
  onRtcp: { execute(rtcp: RtcpPacket): void };
  iceTransport: { connection: { nominated?: Pair } };
}

const installed = new WeakSet<object>();

/**
 * Takes the SRTP media of a connected transport straight from its socket to werift's `onRtp`
 * (where the router, the receivers and the forward path start). On its way werift passes every
 * datagram through the UDP transport, the STUN protocol (a STUN parse attempt), an ICE
 * `onDataReceived` event, the ICE connection's `onData` event with two listeners (the DTLS record
 * layer, which ignores it, and the SRTP one), and `isMedia`/`isRtcp`/`RtpPacket` through
 * CommonJS re-export getters: about a dozen calls per packet before the decryption, and the same
 * counters updated here. SRTCP takes the same short cut to werift's `onRtcp` (decrypted, parsed and
 * handed over packet by packet as werift does): a few RTCP packets a second each went through
 * that whole stack cold, ~7 % of the busy time at N = 2. STUN and DTLS, a datagram on a pair that
 * is no longer the nominated one, and anything before DTLS is up take werift's own path.
 * With `short`, a decrypted packet of a routed SSRC goes to its endpoint from here (shortRoute.ts).
 */
export function fastDatagramRtp(dtls: unknown, short?: ShortRoutes): void {
  const d = dtls as DtlsShape;
  const pair = d.iceTransport.connection.nominated;
  const transport = pair?.protocol.transport;
  const slow = transport?.onData;
  if (!pair || !transport || !slow || installed.has(transport)) return;
  installed.add(transport);
  short?.attach(d);
  transport.onData = (data, addr) => {
    const b0 = data[0] ?? 0;
    const b1 = data[1] ?? 0;
    // RTP and RTCP (RFC 7983 demux: first byte 128–191); RTCP is PT 192–208 as werift tells.
    const media = b0 > 127 && b0 < 192;
    const rtcp = media && data.length >= 2 && b1 >= 192 && b1 <= 208;
    const rtp = media && !rtcp && data.length >= 12;
    const session = rtcp ? d.srtcp : d.srtp;
    if (
      !(rtp || rtcp) ||
      !session ||
      d.state !== 'connected' ||
      d.iceTransport.connection.nominated !== pair
    ) {
      slow(data, addr);
      return;
    }
    pair.packetsReceived++;
    pair.bytesReceived += data.length;
    d.bytesReceived += data.length;
    d.packetsReceived++;
    if (rtcp) {
      onRtcp(d, session, data);
      return;
    }
    let plain: Buffer;
    let packet: RtpPacket;
    try {
      if (short && session.decryptLength) {
        // In place, and no Buffer for the result unless werift's chain takes the packet.
        const n = session.decryptLength(data);
        if (takeShort(short, data, n)) return;
        plain = data.subarray(0, n);
      } else {
        plain = session.decrypt(data);
      }
    } catch {
      return; // unauthenticated (SrtpAuthenticationError): werift drops it too
    }
    try {
      packet = RtpPacket.deSerialize(plain);
    } catch {
      return; // malformed: werift drops it too
    }
    try {
      d.onRtp.execute(packet);
    } catch {
      // werift logs "RTP error" and goes on with the next datagram
    }
  };
}

/** The short route's take; true as well when it threw (werift's "RTP error": not handed twice). */
function takeShort(short: ShortRoutes, data: Buffer, length: number): boolean {
  try {
    return short.take(data, length);
  } catch {
    return true;
  }
}

function onRtcp(d: DtlsShape, srtcp: { decrypt(data: Buffer): Buffer }, data: Buffer): void {
  let packets: RtcpPacket[];
  try {
    packets = RtcpPacketConverter.deSerialize(srtcp.decrypt(data));
  } catch {
    return; // unauthenticated or malformed: werift drops it too
  }
  for (const p of packets) {
    try {
      d.onRtcp.execute(p);
    } catch {
      // werift logs "RTCP error" and goes on with the next packet
    }
  }
}
