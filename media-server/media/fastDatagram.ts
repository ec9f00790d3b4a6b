import { RtpPacket } from 'werift';

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
  srtp?: { decrypt(data: Buffer): Buffer };
  bytesReceived: number;
  packetsReceived: number;
  onRtp: { execute(rtp: RtpPacket): void };
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
 * counters updated here. Everything that is not RTP (STUN, DTLS, RTCP), a datagram on a pair that
 * is no longer the nominated one, and anything before DTLS is up take werift's own path.
 */
export function fastDatagramRtp(dtls: unknown): void {
  const d = dtls as DtlsShape;
  const pair = d.iceTransport.connection.nominated;
  const transport = pair?.protocol.transport;
  const slow = transport?.onData;
  if (!pair || !transport || !slow || installed.has(transport)) return;
  installed.add(transport);
  transport.onData = (data, addr) => {
    const b0 = data[0] ?? 0;
    const b1 = data[1] ?? 0;
    // RTP (RFC 7983 demux: first byte 128–191), not RTCP (PT 192–208 as werift tells them apart).
    const rtp = b0 > 127 && b0 < 192 && data.length >= 12 && (b1 < 192 || b1 > 208);
    const srtp = d.srtp;
    if (!rtp || !srtp || d.state !== 'connected' || d.iceTransport.connection.nominated !== pair) {
      slow(data, addr);
      return;
    }
    pair.packetsReceived++;
    pair.bytesReceived += data.length;
    d.bytesReceived += data.length;
    d.packetsReceived++;
    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(srtp.decrypt(data));
    } catch {
      return; // unauthenticated (SrtpAuthenticationError) or malformed: werift drops it too
    }
    try {
      d.onRtp.execute(packet);
    } catch {
      // werift logs "RTP error" and goes on with the next datagram
    }
  };
}
