import { describe, expect, it } from 'vitest';

import { LinkEstimator, rttFromReport } from './LinkEstimator';

interface Interval {
  /** Length of the interval, ms (the next receiver report comes at its end). */
  ms?: number;
  packets?: number;
  /** Bytes per packet as the endpoint counts them. */
  size?: number;
  /** Packets the link dropped. */
  lost?: number;
  /** How many of those NACK brought back (they count as received in the report). */
  repaired?: number;
  /** Whether the viewer NACKs what it misses (Chromium and werift do). */
  nacks?: boolean;
  rttMs?: number;
}

/**
 * A viewer's side of the RTCP, as a receiver builds it: sequence numbers go on (and wrap), the
 * cumulative loss counts what is still missing after repair, and every loss is NACKed once and
 * then again until repaired.
 */
class Viewer {
  readonly estimator = new LinkEstimator();
  seq = 65_500;
  cumulativeLost = 0;
  sent = { packets: 0, bytes: 0 };
  now = 10_000;

  /** One interval then its receiver report; returns whether the published estimate moved. */
  step(i: Interval = {}): boolean {
    const packets = i.packets ?? 100;
    const lost = i.lost ?? 0;
    const repaired = i.repaired ?? 0;
    const missing: number[] = [];
    for (let n = 0; n < packets; n++) {
      this.seq = (this.seq + 1) & 0xffff;
      // The losses are spread over the interval, as random loss is.
      if (lost > 0 && n % Math.floor(packets / lost) === 0 && missing.length < lost) {
        missing.push(this.seq);
      }
    }
    if (i.nacks ?? true) {
      this.estimator.onNack(missing);
      this.estimator.onNack(missing.slice(repaired)); // asked again for what did not come
    }
    this.cumulativeLost += lost - repaired;
    this.sent.packets += packets;
    this.sent.bytes += packets * (i.size ?? 1000);
    this.now += i.ms ?? 1000;
    const block = {
      fractionLost: Math.floor(((lost - repaired) / packets) * 256),
      packetsLost: this.cumulativeLost,
      highestSequence: this.seq,
      jitter: 900,
      lsr: 0,
      dlsr: 0,
    };
    return this.estimator.onReport(block, { ...this.sent }, this.now, i.rttMs);
  }

  get kbps(): number {
    return this.estimator.kbps;
  }
}

describe('LinkEstimator (GCC loss-based controller over receiver reports)', () => {
  it('a clean link is no limit, however long it runs', () => {
    const v = new Viewer();
    for (let n = 0; n < 20; n++) expect(v.step()).toBe(false);
    expect(v.kbps).toBe(0);
    expect(v.estimator.snapshot()).toMatchObject({ targetBps: 0, loss: 0, jitterMs: 10 });
  });

  it('loss above 10 % lowers the estimate from what is sent, by half the loss, down to a floor', () => {
    const v = new Viewer();
    v.step(); // opens the first window: 100 packets of 1,000 bytes a second = 800 kbps
    expect(v.step({ lost: 20, nacks: false })).toBe(true);
    expect(v.kbps).toBe(720); // 800 × (1 − 0.5 × 0.2)
    expect(v.estimator.snapshot().loss).toBeCloseTo(0.2);
    expect(v.step({ lost: 12, nacks: false })).toBe(false); // 676.8: less than 10 % below 720
    expect(v.kbps).toBe(720);
    expect(v.step({ lost: 12, nacks: false })).toBe(true);
    expect(v.kbps).toBe(636); // 720 × 0.94², published once it moved more than 10 %
    for (let n = 0; n < 60; n++) v.step({ lost: 50, nacks: false });
    expect(v.kbps).toBe(30);
  });

  it('loss between 2 % and 10 % holds the estimate', () => {
    const v = new Viewer();
    v.step();
    v.step({ lost: 30, nacks: false });
    expect(v.kbps).toBe(680);
    for (let n = 0; n < 5; n++) expect(v.step({ lost: 5, nacks: false })).toBe(false);
    expect(v.kbps).toBe(680);
  });

  it('without loss it climbs back by 5 % a report and stops limiting past 1.5 × what is sent', () => {
    const v = new Viewer();
    v.step();
    for (let n = 0; n < 40; n++) v.step({ lost: 40, nacks: false });
    expect(v.kbps).toBe(30);
    // The publisher now sends this viewer 200 kbps; the link carries it without loss.
    const sentKbps = 200;
    const size = (sentKbps * 1000) / 8 / 100;
    v.step({ size });
    expect(v.kbps).toBe(200); // not below what the link just carried
    const seen: number[] = [];
    for (let n = 0; n < 12 && v.kbps > 0; n++) {
      v.step({ size });
      seen.push(v.kbps);
    }
    // 200 → 210 → 220.5 → … published at > 10 % moves; no limit once 1.5 × 200 is reached.
    expect(seen.at(-1)).toBe(0);
    expect(seen.filter((k) => k > 0).every((k) => k >= 200 && k < 300)).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(3); // published in steps, not once per report
    expect(seen.length).toBeLessThan(12);
  });

  it('counts loss before repair: NACKed packets are lost even when the report shows none', () => {
    const v = new Viewer();
    v.step();
    // 20 % dropped, every one of them repaired: the report says 0 %, the NACKs say 20 %.
    expect(v.step({ lost: 20, repaired: 20 })).toBe(true);
    expect(v.estimator.snapshot()).toMatchObject({ reportedLoss: 0, packetsLost: 0 });
    expect(v.estimator.snapshot().loss).toBeCloseTo(0.2);
    expect(v.kbps).toBe(720);
    // NACKs asked again (the same sequence numbers) are not counted twice.
    v.estimator.onNack([v.seq - 99, v.seq - 94]);
    v.step({ lost: 0 });
    expect(v.estimator.snapshot().loss).toBe(0);
  });

  it('ignores NACKed numbers far from what the viewer reports receiving, and NACKs before any report', () => {
    const v = new Viewer();
    v.estimator.onNack([1, 2, 3]); // no report yet: no window to count them in
    v.step();
    // Numbers nowhere near the stream (a parse of some other packet's bytes) count for nothing,
    // and do not make the real losses after them look old.
    v.estimator.onNack([(v.seq + 20_000) & 0xffff, (v.seq + 40_000) & 0xffff]);
    expect(v.step({ lost: 20, repaired: 20 })).toBe(true);
    expect(v.estimator.snapshot().loss).toBeCloseTo(0.2);
  });

  it('waits 300 ms + RTT between decreases: one burst is not counted by every report', () => {
    const v = new Viewer();
    v.step({ ms: 600, packets: 60 });
    expect(v.step({ ms: 600, packets: 60, lost: 15, nacks: false, rttMs: 1000 })).toBe(true);
    const first = v.kbps;
    v.step({ ms: 600, packets: 60, lost: 15, nacks: false, rttMs: 1000 }); // 600 ms later: held
    expect(v.kbps).toBe(first);
    v.step({ ms: 600, packets: 60, lost: 15, nacks: false, rttMs: 1000 }); // 1,200 ms: held
    expect(v.kbps).toBe(first);
    v.step({ ms: 600, packets: 60, lost: 15, nacks: false, rttMs: 1000 }); // 1,800 ms ≥ 1,300
    expect(v.kbps).toBeLessThan(first);
    expect(v.estimator.snapshot().rttMs).toBe(1000);
  });

  it('a report about too little (Chromium adds one to every NACK) waits for a longer window', () => {
    const v = new Viewer();
    v.step();
    for (let n = 0; n < 4; n++) expect(v.step({ ms: 100, packets: 10, lost: 5 })).toBe(false);
    expect(v.kbps).toBe(0);
    expect(v.step({ ms: 100, packets: 10, lost: 5 })).toBe(true); // 500 ms, 50 packets, 50 %
    expect(v.estimator.snapshot().loss).toBeCloseTo(0.5);
  });

  it('survives the sequence number wrap (the viewer starts near 65535)', () => {
    const v = new Viewer();
    v.seq = 65_490;
    v.step();
    expect(v.step({ lost: 30 })).toBe(true);
    expect(v.estimator.snapshot().loss).toBeCloseTo(0.3);
  });

  it('reads the cumulative loss as signed 24 bits: duplicates taking it below zero are no loss', () => {
    const v = new Viewer();
    v.step();
    v.cumulativeLost = 0xffffff; // −1 on the wire, as werift parses it
    expect(v.step()).toBe(false);
    expect(v.estimator.snapshot()).toMatchObject({ loss: 0, packetsLost: -1 });
    expect(v.kbps).toBe(0);
  });

  it('honours a higher floor (the sink’s minVideoSendBandwidth)', () => {
    const v = new Viewer();
    const block = (seq: number, lost: number) => ({
      fractionLost: 0,
      packetsLost: lost,
      highestSequence: seq,
      jitter: 0,
      lsr: 0,
      dlsr: 0,
    });
    v.estimator.onReport(block(0, 0), { packets: 0, bytes: 0 }, 0, undefined, 100_000);
    v.estimator.onReport(block(100, 90), { packets: 100, bytes: 10_000 }, 1000, undefined, 100_000);
    expect(v.kbps).toBe(100);
  });
});

describe('rttFromReport', () => {
  const last = { compactNtp: 0x1234_5678, sentAtMs: 50_000 };

  it('is the time since our sender report left, less the receiver’s delay', () => {
    // DLSR 0x8000 = 0.5 s; the report arrives 620 ms after the sender report left.
    expect(rttFromReport({ lsr: 0x1234_5678, dlsr: 0x8000 }, last, 50_620)).toBeCloseTo(120);
  });

  it('knows nothing from a block that answers another sender report, or none', () => {
    expect(rttFromReport({ lsr: 0x1234_0000, dlsr: 0x8000 }, last, 50_620)).toBeUndefined();
    expect(rttFromReport({ lsr: 0, dlsr: 0 }, last, 50_620)).toBeUndefined();
    expect(rttFromReport({ lsr: 0x1234_5678, dlsr: 0 }, undefined, 50_620)).toBeUndefined();
  });

  it('never goes below zero (DLSR is counted in 15 µs steps)', () => {
    expect(rttFromReport({ lsr: 0x1234_5678, dlsr: 0x8000 }, last, 50_499)).toBe(0);
  });
});
