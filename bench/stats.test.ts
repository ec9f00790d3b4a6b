import { describe, expect, it } from 'vitest';

import { joinPhases, type ProbeEvent } from './join/phases';
import { Histogram, quantile, summarize } from './lib/stats';
import { readProbe, StreamKind, writeProbe } from './load/probe';
import {
  AudioSource,
  VIDEO_PACKETS_PER_SECOND,
  VIDEO_PROBE_OFFSET,
  VideoSource,
} from './load/synth';

describe('bench helpers', () => {
  it('computes quantiles and histogram quantiles that agree', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i / 10);
    expect(quantile(values, 0.5)).toBeCloseTo(49.95, 5);
    const h = new Histogram(0.05, 200);
    values.forEach((v) => h.add(v));
    expect(Math.abs(h.quantile(0.5) - 49.95)).toBeLessThan(0.2);
    expect(Math.abs(h.quantile(0.99) - summarize(values).p99)).toBeLessThan(0.2);
    expect(Histogram.fromSparse(h.toSparse(), 0.05, 200).total).toBe(1000);
  });

  it('embeds a probe in synthetic VP8 with correct key-frame flags, and reads it back', () => {
    const video = new VideoSource(3);
    const key = video.nextFrame(123n);
    const delta = video.nextFrame(456n);
    expect(VIDEO_PACKETS_PER_SECOND).toBe(70);
    expect(key[0]?.payload[0]).toBe(0x10); // S bit on the first packet
    expect((key[0]?.payload[1] ?? 1) & 0x01).toBe(0); // P bit clear: key frame
    expect(key[0]?.payload.subarray(4, 7)).toEqual(Buffer.from([0x9d, 0x01, 0x2a]));
    expect((delta[0]?.payload[1] ?? 0) & 0x01).toBe(1);
    expect(key.at(-1)?.header.marker).toBe(true);
    const probe = readProbe(key[1]?.payload ?? Buffer.alloc(0), VIDEO_PROBE_OFFSET);
    expect(probe).toEqual({ publisher: 3, kind: StreamKind.Video, seq: 1, sentNs: 123n });
    const shifted = Buffer.alloc(100);
    writeProbe(shifted, 7, { publisher: 1, kind: StreamKind.Audio, seq: 9, sentNs: 5n });
    expect(readProbe(shifted, 1)?.seq).toBe(9);
    expect(new AudioSource(0).next(1n).payload.length).toBeGreaterThan(20);
  });

  it('splits a join into phases', () => {
    const events: ProbeEvent[] = [
      { t: 100, kind: 'click' },
      { t: 130, kind: 'sio:connect' },
      { t: 150, kind: 'ack', event: 'room:join' },
      { t: 170, kind: 'emit', event: 'publication:subscribe', pc: 2 },
      { t: 200, kind: 'ack', event: 'publication:subscribe', pc: 2 },
      { t: 240, kind: 'pc:ice', pc: 2, state: 'connected' },
      { t: 260, kind: 'pc:conn', pc: 2, state: 'connected' },
      { t: 300, kind: 'decoded', pc: 2 },
      { t: 290, kind: 'frame', pc: 2 },
    ];
    const p = joinPhases(events, 1);
    expect(p).toMatchObject({ socket: 30, join: 20, offerLocal: 20, sdp: 30, ice: 40, dtls: 20 });
    expect(p.total).toBe(190);
    expect(p.frameSource).toBe('rvfc');
  });
});
