import { describe, expect, it } from 'vitest';

import { SendHistory } from './SendHistory';

const payload = (seq: number) => Buffer.from([seq & 0xff, seq >> 8]);

/** 70 packets/s, as the forwarding benchmark's video: one every ~14.3 ms. */
function sendAt70(h: SendHistory, first: number, count: number, startMs = 0): number {
  let now = startMs;
  for (let i = 0; i < count; i++) {
    now = startMs + (i * 1000) / 70;
    const seq = (first + i) & 0xffff;
    h.put(seq, seq * 1286, i % 3 === 2, payload(seq), now);
  }
  return now;
}

describe('SendHistory (what a NACK can ask for again)', () => {
  it('answers a NACK for a recent packet with what was sent', () => {
    const h = new SendHistory(100);
    const now = sendAt70(h, 100, 20);
    expect(h.get(105, now)).toEqual({ payload: payload(105), ts: 105 * 1286, marker: true });
    expect(h.get(106, now)?.marker).toBe(false);
    expect(h.get(120, now)).toBeUndefined(); // not sent yet
  });

  it('keeps one second of packets, not 512 packets, and lets the older ones go', () => {
    const h = new SendHistory(0);
    const now = sendAt70(h, 0, 500); // ~7.1 s
    expect(h.size).toBeGreaterThanOrEqual(70);
    expect(h.size).toBeLessThanOrEqual(72);
    expect(h.get(499 - 69, now)).toBeDefined(); // sent 0.99 s ago
    expect(h.get(499 - 75, now)).toBeUndefined(); // 1.07 s ago
    expect(h.get(10, now)).toBeUndefined();
  });

  it('keeps ten round trips when the round trip is long', () => {
    const h = new SendHistory(0);
    h.rttMs = 300;
    const now = sendAt70(h, 0, 500);
    expect(h.maxAgeMs).toBe(3000);
    expect(h.get(499 - 200, now)).toBeDefined(); // 2.86 s ago
    expect(h.get(499 - 215, now)).toBeUndefined(); // 3.07 s ago
    h.rttMs = undefined; // a report that answered no sender report: the last RTT stays
    expect(h.maxAgeMs).toBe(3000);
  });

  it('never holds more than 512 packets, and stays aligned across the sequence number wrap', () => {
    const h = new SendHistory(65_000);
    const start = 65_000;
    // 2,000 packets within 0.2 s: the count bounds the ring, not the age.
    for (let i = 0; i < 2000; i++) {
      const seq = (start + i) & 0xffff;
      h.put(seq, 0, false, payload(seq), i / 10);
    }
    const last = (start + 1999) & 0xffff;
    expect(h.size).toBe(512);
    expect(h.get(last, 200)?.payload).toEqual(payload(last));
    expect(h.get((last - 511) & 0xffff, 200)).toBeDefined();
    expect(h.get((last - 512) & 0xffff, 200)).toBeUndefined();
  });

  it('drops a stale packet at the next one after a pause, and refuses stale ones before that', () => {
    const h = new SendHistory(0);
    sendAt70(h, 0, 50);
    expect(h.get(40, 5000)).toBeUndefined(); // asked for long after: not sent again
    h.put(50, 0, false, payload(50), 5000);
    expect(h.size).toBe(1);
    h.clear();
    expect(h.size).toBe(0);
  });
});

describe('SendHistory (memory: issue 15, session 14)', () => {
  it('starts small and grows only as far as its age limit needs', () => {
    const h = new SendHistory(0);
    expect(h.capacity).toBe(64);
    const now = sendAt70(h, 0, 500); // 7 s at 70 packets/s: ~70 packets are young at a time
    expect(h.capacity).toBe(128);
    expect(h.size).toBeGreaterThanOrEqual(70);
    expect(h.get(499 - 69, now)?.payload).toEqual(payload(499 - 69));
  });

  it('loses no young packet while it grows, across the sequence number wrap', () => {
    const h = new SendHistory(65_500);
    // 400 packets within 0.4 s: every one of them is young when the next arrives.
    for (let i = 0; i < 400; i++) {
      const seq = (65_500 + i) & 0xffff;
      h.put(seq, seq, i % 2 === 0, payload(seq), i);
    }
    expect(h.capacity).toBe(512);
    expect(h.size).toBe(400);
    for (let i = 0; i < 400; i++) {
      const seq = (65_500 + i) & 0xffff;
      expect(h.get(seq, 400)).toEqual({ payload: payload(seq), ts: seq, marker: i % 2 === 0 });
    }
  });
});
