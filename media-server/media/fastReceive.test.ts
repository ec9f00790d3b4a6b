import { describe, expect, it } from 'vitest';
import { Event, RTCRtpReceiver, RtpHeader, RtpPacket } from 'werift';
import type { StreamStats } from './fastReceive';
import { addStats, installFastReceive, leanEvent } from './fastReceive';

describe('leanEvent', () => {
  it('calls every listener synchronously, in order, with all arguments', () => {
    const e = new Event<[number, string]>();
    const seen: string[] = [];
    e.subscribe((n, s) => seen.push(`a${n}${s}`));
    leanEvent(e);
    e.subscribe((n, s) => seen.push(`b${n}${s}`)); // added after: still called
    e.execute(1, 'x');
    expect(seen).toEqual(['a1x', 'b1x']);
  });

  it('stops calling a listener that unsubscribed, and calls the ones added after that', () => {
    const e = new Event<[number]>();
    const seen: string[] = [];
    leanEvent(e);
    const a = e.subscribe((n) => seen.push(`a${n}`));
    e.subscribe((n) => seen.push(`b${n}`));
    a.unSubscribe(); // werift replaces its listener array here
    e.subscribe((n) => seen.push(`c${n}`));
    e.execute(1);
    expect(seen).toEqual(['b1', 'c1']);
  });

  it("hands over to werift's own execute once an async listener exists, and honours the end", async () => {
    const e = new Event<[number]>();
    leanEvent(e);
    const got: number[] = [];
    e.queuingSubscribe(async (n) => {
      await Promise.resolve();
      got.push(n);
    });
    e.execute(7);
    await expect.poll(() => got).toEqual([7]);
    e.complete();
    e.execute(8);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([7]);
  });
});

describe('fast handleRTP', () => {
  /** A receiver as werift sets one up for a VP8 m-line with NACK, and its track. */
  function receiver(): { r: RTCRtpReceiver; got: RtpPacket[]; nacked: number[] } {
    installFastReceive();
    const r = new RTCRtpReceiver({ debug: {} } as never, 'video', 1234);
    const internals = r as unknown as {
      codecs: Record<number, unknown>;
      nack: { addPacket(p: RtpPacket): void; close(): void };
      runRtcp(): Promise<void>;
    };
    internals.codecs[96] = {
      name: 'VP8',
      mimeType: 'video/VP8',
      clockRate: 90000,
      payloadType: 96,
      rtcpFeedback: [{ type: 'nack' }],
    };
    const nacked: number[] = [];
    internals.nack = {
      addPacket: (p) => nacked.push(p.header.sequenceNumber),
      close: () => undefined,
    };
    internals.runRtcp = () => Promise.resolve(); // no timers in a unit test
    const got: RtpPacket[] = [];
    const track = r.track;
    track.ssrc = 42;
    r.addTrack(track);
    track.onReceiveRtp.subscribe((p) => got.push(p));
    return { r, got, nacked };
  }

  const packet = (seq: number) =>
    new RtpPacket(
      new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42 }),
      Buffer.from([seq & 0xff, 1, 2, 3]),
    );

  it('keeps statistics and NACK tracking, and hands the track the packet itself', () => {
    const { r, got, nacked } = receiver();
    const packets = [1, 2, 4, 5].map(packet);
    for (const p of packets) r.handleRtpBySsrc(p, {});
    expect(nacked).toEqual([1, 2, 4, 5]);
    expect(got.length).toBe(4);
    // The first packet took werift's own path (a clone); the rest are passed as they are.
    expect(got.slice(1)).toEqual(packets.slice(1));
    expect(got[1]).toBe(packets[1]);
    expect(got[0]?.payload.equals(packets[0]?.payload ?? Buffer.alloc(0))).toBe(true);
    const stats = (
      r as unknown as {
        remoteStreams: Record<number, { packets_received: number; max_seq: number }>;
      }
    ).remoteStreams[42];
    expect(stats?.packets_received).toBe(4);
    expect(stats?.max_seq).toBe(5);
  });

  it('ignores packets of an unknown payload type and of a stopped receiver, as werift does', () => {
    const { r, got } = receiver();
    const unknown = packet(1);
    unknown.header.payloadType = 100;
    r.handleRtpBySsrc(unknown, {});
    r.handleRtpBySsrc(packet(2), {});
    r.stop();
    r.handleRtpBySsrc(packet(3), {});
    expect(got.map((p) => p.header.sequenceNumber)).toEqual([2]);
  });

  it("keeps werift's stream statistics with werift's arithmetic (reorder, duplicates, a wrap)", () => {
    const { r } = receiver();
    r.handleRtpBySsrc(packet(1), {}); // werift's own path creates the statistics object
    const made = (r as unknown as { remoteStreams: Record<number, StreamStats> }).remoteStreams[42];
    const Stats = made?.constructor as new (clockRate: number) => StreamStats;
    const theirs = new Stats(90000);
    const ours = new Stats(90000);
    let t = 1_700_000_000_000;
    const seqs = [65530, 65531, 65533, 65532, 65533, 65535, 0, 3, 1, 2, 40000, 5, 6];
    for (const [i, seq] of seqs.entries()) {
      t += 7 + (i % 5) * 13;
      const p = new RtpPacket(
        new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 3000 * i, ssrc: 42 }),
        Buffer.alloc(100 + i),
      );
      theirs.add(p, t / 1000);
      addStats(ours, p, t);
    }
    const fields = (s: StreamStats) => ({ ...s, lastPacketReceivedTimestamp: undefined });
    expect(fields(ours)).toEqual(fields(theirs));
    expect(ours.cycles).toBe(1 << 16);
    expect(ours.lastPacketReceivedTimestamp).toBe(t);
  });
});
