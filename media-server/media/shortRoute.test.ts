import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Event, RTCRtpReceiver, RtpHeader, RtpPacket } from 'werift';
import type { StreamStats } from './fastReceive';
import { installFastReceive, leanEvent } from './fastReceive';
import { parseRtpHeader, rtpPayloadOffset, sizes } from './fastRtpHeader';
import { NackGenerator } from './NackGenerator';
import { LeanEvent } from './peerEvent';
import { ShortRoutes, shortRouteStats } from './shortRoute';

const SSRC = 42;
const SDES_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/** What the endpoint gets of a packet, on either route. */
type Got = { ssrc: number; seq: number; ts: number; marker: boolean; payload: string; at: number };

/**
 * One connection's receive side as peer.ts wires it on werift: the transport's `onRtp` event
 * with the peer connection's listener (the router, here straight to the receiver, as
 * fastRouteRtp does), a receiver with a VP8 codec with NACK and our NACK generator, its track
 * with the Peer's listener (which learns the SSRC for the short route when `short` is on).
 */
function connection(short: boolean, lean = false) {
  installFastReceive();
  const receiver = new RTCRtpReceiver({ debug: {} } as never, 'video', 1234);
  const r = receiver as unknown as {
    codecs: Record<number, unknown>;
    nack: NackGenerator;
    runRtcp(): Promise<void>;
    remoteStreams: Record<number, StreamStats | undefined>;
    trackBySSRC: Record<number, unknown>;
  };
  r.codecs[96] = {
    name: 'VP8',
    mimeType: 'video/VP8',
    clockRate: 90000,
    payloadType: 96,
    rtcpFeedback: [{ type: 'nack' }],
  };
  r.nack = new NackGenerator(receiver);
  r.runRtcp = () => Promise.resolve(); // no report timers in a unit test
  const track = receiver.track;
  track.ssrc = SSRC;
  receiver.addTrack(track);
  const router = { ssrcTable: { [SSRC]: receiver }, ridTable: {}, extIdUriMap: { 1: SDES_MID } };
  // mem's LeanEvent (peerEvent.ts) is werift's Event in the production bundle: same fields.
  const onRtp = lean
    ? (new LeanEvent() as unknown as Event<[RtpPacket]>)
    : new Event<[RtpPacket]>();
  if (lean) {
    const own = new LeanEvent() as unknown as typeof track.onReceiveRtp;
    own.subscribe((p) => (track.header = p.header)); // the track's own listener, as werift's
    (track as { onReceiveRtp: unknown }).onReceiveRtp = own;
  }
  leanEvent(onRtp);
  onRtp.subscribe((p) => receiver.handleRtpBySsrc(p, {}));
  const got: Got[] = [];
  const record = (
    ...[ssrc, seq, ts, marker, payload, plain]: [number, number, number, boolean, Buffer, Buffer]
  ) =>
    got.push({
      ssrc,
      seq,
      ts,
      marker,
      payload: payload.toString('hex'),
      at: payload.byteOffset - plain.byteOffset,
    });
  const routes = short
    ? new ShortRoutes(router, (_kind, v) =>
        record(v.ssrc, v.seq, v.ts, v.marker, v.payload, v.bytes()),
      )
    : undefined;
  routes?.attach({ onRtp });
  leanEvent(track.onReceiveRtp);
  track.onReceiveRtp.subscribe((p) => {
    const h = p.header;
    record(h.ssrc, h.sequenceNumber, h.timestamp, h.marker, p.payload, plainOf.get(p) ?? p.payload);
    routes?.learn(p, 'video', track);
  });
  const plainOf = new WeakMap<RtpPacket, Buffer>();
  /** fastDatagram.ts after the decryption: the short route, else werift's parse and event. */
  const receive = (plain: Buffer): void => {
    // As the datagram after an in-place decryption: the packet, then the (stale) SRTP tag.
    if (routes?.take(Buffer.concat([plain, Buffer.alloc(10, 0xee)]), plain.length)) return;
    let p: RtpPacket;
    try {
      p = RtpPacket.deSerialize(plain);
    } catch {
      return;
    }
    plainOf.set(p, plain);
    onRtp.execute(p);
  };
  const stats = () => {
    const s = r.remoteStreams[SSRC];
    return s && { ...s, lastPacketReceivedTimestamp: 0, jitter_q4: 0, last_arrival: 0 };
  };
  return { receive, got, stats, receiver, router, routes, track, onRtp, nack: r.nack };
}

/** A decrypted packet as publishers send them: CSRCs, extensions, padding, any seq. */
function rtp(i: number, seq: number, opts: { pt?: number; ext?: Buffer } = {}): Buffer {
  const cc = i % 7 === 3 ? 2 : 0;
  const padded = i % 5 === 0;
  const ext =
    opts.ext ??
    [
      Buffer.alloc(0),
      // one-byte: mid "ab" (id 1), an element of id 3, a padding byte
      Buffer.from([0xbe, 0xde, 0x00, 0x02, 0x11, 0x61, 0x62, 0x30, 0x07, 0, 0, 0]),
      // two-byte profile
      Buffer.from([0x10, 0x00, 0x00, 0x02, 0x05, 0x03, 9, 8, 7, 0x00, 0x00, 0x00]),
    ][i % 3];
  const head = Buffer.alloc(12);
  head[0] = 0x80 | (padded ? 0x20 : 0) | (ext && ext.length > 0 ? 0x10 : 0) | cc;
  head[1] = (i % 4 === 0 ? 0x80 : 0) | (opts.pt ?? 96);
  head.writeUInt16BE(seq & 0xffff, 2);
  head.writeUInt32BE((seq * 3000) >>> 0, 4);
  head.writeUInt32BE(SSRC, 8);
  const parts = [head, randomBytes(4 * cc), ext ?? Buffer.alloc(0), randomBytes(30 + (i % 40))];
  if (padded) parts.push(Buffer.from([0, 0, 0, 4]));
  return Buffer.concat(parts);
}

describe('rtpPayloadOffset', () => {
  it("gives werift's payload offset and header size for well-formed headers, -1 otherwise", () => {
    let known = 0;
    for (let i = 0; i < 3000; i++) {
      const b = i % 2 === 0 ? rtp(i, i) : randomBytes(12 + (i % 40));
      if (i % 2 === 1) b[0] = 0x80 | ((b[0] ?? 0) & 0x3f);
      const offset = rtpPayloadOffset(b);
      if (offset < 0) continue;
      known++;
      const h = parseRtpHeader(b);
      expect([offset, sizes.header]).toEqual([h.payloadOffset, h.serializeSize]);
    }
    // Every packet made by rtp() is well formed: none of them went to werift's parse.
    expect(known).toBeGreaterThanOrEqual(1500);
    const id15 = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0xf0, 0, 0, 0]);
    expect(rtpPayloadOffset(rtp(1, 1, { ext: id15 }))).toBe(-1);
    expect(rtpPayloadOffset(rtp(1, 1, { ext: Buffer.from([0x12, 0x34, 0, 1, 1, 2, 3, 4]) }))).toBe(
      -1,
    );
  });
});

describe('the short route', () => {
  // A seq wrap, a loss (NACK), a reordered and a duplicate packet, padding, CSRCs, extensions.
  const seqs = [65528, 65529, 65530, 65531, 65533, 65532, 65534, 65535, 0, 0, 1, 4, 3, 5, 6];

  it.each([false, true])(
    'gives the endpoint, the statistics and the NACK generator what werift gives them (LeanEvent: %s)',
    (lean) => {
      const before = shortRouteStats().taken;
      const a = connection(false, lean);
      const b = connection(true, lean);
      for (let round = 0; round < 3; round++) {
        for (const [i, seq] of seqs.entries()) {
          const packet = rtp(i + round, seq + round * 20);
          a.receive(Buffer.from(packet));
          b.receive(Buffer.from(packet));
        }
      }
      expect(b.got).toEqual(a.got);
      expect(b.got.length).toBe(3 * seqs.length);
      expect(b.stats()).toEqual(a.stats());
      expect(b.stats()?.cycles).toBe(1 << 16);
      expect(b.nack.lost).toEqual(a.nack.lost);
      expect(b.nack.lost.length).toBeGreaterThan(0);
      // All but the first packet took the short route.
      expect(shortRouteStats().taken - before).toBe(3 * seqs.length - 1);
      a.nack.close();
      b.nack.close();
    },
  );

  it("leaves to werift's chain what it would handle differently", () => {
    const b = connection(true);
    b.receive(rtp(1, 100));
    expect(b.routes?.routed).toEqual([SSRC]);
    const taken = () => shortRouteStats().taken;
    let t = taken();
    // Another payload type (RTX, RED or unknown), an odd extension: werift's parse and chain.
    b.receive(rtp(2, 101, { pt: 100 }));
    b.receive(rtp(3, 102, { ext: Buffer.from([0xbe, 0xde, 0x00, 0x01, 0xf0, 0, 0, 0]) }));
    expect(taken()).toBe(t);
    expect(b.got.map((g) => g.seq)).toEqual([100, 102]);
    // Someone else listens on the track or the transport: werift's chain, so they hear it.
    const extra: number[] = [];
    const sub = b.track.onReceiveRtp.subscribe((p) => extra.push(p.header.sequenceNumber));
    b.receive(rtp(4, 103));
    sub.unSubscribe();
    const sub2 = b.onRtp.subscribe(() => undefined);
    b.receive(rtp(5, 104));
    sub2.unSubscribe();
    expect(extra).toEqual([103]);
    expect(taken()).toBe(t);
    b.receive(rtp(6, 105));
    expect(taken()).toBe(++t);
    // The SSRC moved to another receiver; a stopped receiver drops what it gets, as werift does.
    (b.router.ssrcTable as Record<number, unknown>)[SSRC] = {};
    b.receive(rtp(7, 106));
    (b.router.ssrcTable as Record<number, unknown>)[SSRC] = b.receiver;
    b.receiver.stop();
    b.receive(rtp(8, 107));
    expect(taken()).toBe(t);
    expect(b.got.map((g) => g.seq)).toEqual([100, 102, 103, 104, 105, 106]);
    b.nack.close();
  });

  it('routes no SSRC of a connection with simulcast, TWCC or extensions the router reads', () => {
    const cases: ((c: ReturnType<typeof connection>) => void)[] = [
      (c) => ((c.router.ridTable as Record<string, unknown>)['h'] = c.receiver),
      (c) => ((c.router.extIdUriMap as Record<number, string>)[2] = 'urn:3gpp:video-orientation'),
      (c) =>
        ((c.receiver as unknown as { receiverTWCC: unknown }).receiverTWCC = {
          handleTWCC: () => undefined,
        }),
      (c) => ((c.receiver as unknown as { nack: unknown }).nack = { addPacket: () => undefined }),
    ];
    for (const change of cases) {
      const c = connection(true);
      change(c);
      c.receive(rtp(1, 1));
      c.receive(rtp(2, 2));
      expect(c.routes?.routed).toEqual([]);
      c.nack.close();
    }
  });
});

// The record above sees werift's header fields; the header class is the one werift parses into.
it('parses the first packet into werift classes', () => {
  expect(parseRtpHeader(rtp(0, 1))).toBeInstanceOf(RtpHeader);
});
