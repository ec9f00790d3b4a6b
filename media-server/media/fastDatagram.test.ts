import { describe, expect, it } from 'vitest';
import type { RtcpPacket, RtpPacket } from 'werift';
import { RtcpRrPacket, RtpHeader, RtpPacket as Packet, SrtpAuthenticationError } from 'werift';
import { fastDatagramRtp } from './fastDatagram';

/** A connected DTLS transport as werift wires it, with a clear-text "SRTP" session. */
function wired() {
  const slow: Buffer[] = [];
  const got: RtpPacket[] = [];
  const rtcpGot: RtcpPacket[] = [];
  const transport = {
    onData: (data: Buffer, _addr: [string, number]) => {
      slow.push(data);
    },
  };
  const pair = { protocol: { transport }, packetsReceived: 0, bytesReceived: 0 };
  const dtls = {
    state: 'connected',
    srtp: {
      decrypt: (b: Buffer) => {
        if (b[b.length - 1] === 0xee) throw new SrtpAuthenticationError('bad tag');
        return b;
      },
    },
    srtcp: {
      decrypt: (b: Buffer) => {
        if (b[b.length - 1] === 0xee) throw new SrtpAuthenticationError('bad tag');
        return b;
      },
    },
    bytesReceived: 0,
    packetsReceived: 0,
    onRtp: { execute: (p: RtpPacket) => got.push(p) },
    onRtcp: { execute: (p: RtcpPacket) => rtcpGot.push(p) },
    iceTransport: { connection: { nominated: pair as typeof pair | undefined } },
  };
  fastDatagramRtp(dtls);
  const send = (b: Buffer) => transport.onData(b, ['127.0.0.1', 5000]);
  return { slow, got, rtcpGot, pair, dtls, send };
}

const rtp = (seq: number, last = 0) =>
  Buffer.concat([
    new Packet(
      new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 9, ssrc: 7 }),
      Buffer.from([1, 2, 3, last]),
    ).serialize(),
  ]);

describe('fastDatagramRtp', () => {
  it("hands RTP to werift's onRtp with werift's counters, and the rest to werift's path", () => {
    const { slow, got, pair, dtls, send } = wired();
    send(rtp(1));
    send(rtp(2));
    expect(got.map((p) => p.header.sequenceNumber)).toEqual([1, 2]);
    expect(got[0]?.payload.equals(Buffer.from([1, 2, 3, 0]))).toBe(true);
    expect(pair.packetsReceived).toBe(2);
    expect(dtls.packetsReceived).toBe(2);
    expect(dtls.bytesReceived).toBe(2 * rtp(1).length);
    // STUN (first byte 0–3), DTLS (20–63): werift's own path.
    const stun = Buffer.alloc(20);
    const dtlsRecord = Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const b of [stun, dtlsRecord]) send(b);
    expect(slow).toEqual([stun, dtlsRecord]);
    expect(got).toHaveLength(2);
  });

  it("hands a compound RTCP packet to werift's onRtcp packet by packet, with the counters", () => {
    const { slow, rtcpGot, pair, dtls, send } = wired();
    const rr = (ssrc: number) => new RtcpRrPacket({ ssrc, reports: [] }).serialize();
    send(Buffer.concat([rr(1), rr(2)]));
    expect(rtcpGot.map((p) => (p as RtcpRrPacket).ssrc)).toEqual([1, 2]);
    expect(pair.packetsReceived).toBe(1);
    expect(dtls.packetsReceived).toBe(1);
    expect(slow).toHaveLength(0);
    // Not authenticated: dropped, as werift drops it.
    send(Buffer.concat([rr(3), Buffer.from([0xee])]));
    expect(rtcpGot).toHaveLength(2);
    expect(slow).toHaveLength(0);
  });

  it('drops what does not authenticate, and leaves a pair that is no longer nominated alone', () => {
    const { slow, got, dtls, send } = wired();
    send(rtp(3, 0xee));
    expect(got).toHaveLength(0);
    expect(slow).toHaveLength(0);
    dtls.iceTransport.connection.nominated = undefined;
    send(rtp(4));
    dtls.state = 'closed';
    send(rtp(5));
    expect(got).toHaveLength(0);
    expect(slow).toHaveLength(2);
  });
});
