import { describe, expect, it } from 'vitest';

import { PayloadStore } from './PayloadStore';
import { SendHistory } from './SendHistory';

const CHUNK = 0x10000;
const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('PayloadStore (the payloads NACK histories keep, copied once)', () => {
  it('keeps a copy: the same bytes, not the Buffer handed in', () => {
    const store = new PayloadStore();
    const p = Buffer.from([1, 2, 3, 4, 5]);
    const ref = store.keep(p, 0, 1000);
    p.fill(9); // the datagram is free to go (or be reused) once kept
    expect(store.get(ref, 5)).toEqual(Buffer.from([1, 2, 3, 4, 5]));
  });

  it('copies a packet fanned out to several sinks once', () => {
    const store = new PayloadStore();
    const p = bytes(1000, 7);
    const refs = [1, 2, 3].map(() => store.keep(p, 0, 1000));
    expect(new Set(refs).size).toBe(1);
    const q = bytes(1000, 8);
    expect(store.keep(q, 0, 1000)).toBe((refs[0] ?? 0) + 1000);
  });

  it('reuses a chunk only once everything in it expired, and then refuses its old references', () => {
    const store = new PayloadStore();
    const first = store.keep(bytes(1000, 1), 0, 1000);
    // Fill the first chunk and start a second while the first is still wanted.
    for (let i = 1; i < 66; i++) store.keep(bytes(1000, 2), i, 1000 + i);
    expect(store.bytes).toBe(2 * CHUNK);
    expect(store.get(first, 1000)).toEqual(bytes(1000, 1));
    // Past its last payload's time (1065): the next chunk needed is the first one again.
    for (let i = 66; i < 140; i++) store.keep(bytes(1000, 3), 1100 + i, 2100 + i);
    expect(store.get(first, 1000)).toBeUndefined();
    expect(store.bytes).toBe(2 * CHUNK);
  });

  it('shrinks when the load does, and grows when payloads must stay longer', () => {
    const store = new PayloadStore();
    // 10 chunks of payloads that must stay 10 s.
    for (let i = 0; i < 650; i++) store.keep(bytes(1000, i & 0xff), i, i + 10_000);
    expect(store.bytes).toBe(10 * CHUNK);
    // Later, one chunk's worth at a time that expires at once: each new chunk frees one more.
    for (let i = 0; i < 650; i++) store.keep(bytes(1000, 1), 20_000 + i, 20_000 + i);
    expect(store.bytes).toBeLessThanOrEqual(3 * CHUNK);
  });

  it('refuses references it never gave', () => {
    const store = new PayloadStore();
    expect(store.get(0, 1)).toBeUndefined();
    const ref = store.keep(bytes(10, 1), 0, 10);
    expect(store.get(ref + 5 * CHUNK, 1)).toBeUndefined();
    expect(store.get(-1, 1)).toBeUndefined();
  });

  it('serves several sinks from one copy, each with its own numbering', () => {
    const store = new PayloadStore();
    const a = new SendHistory(100, store);
    const b = new SendHistory(7000, store);
    for (let i = 0; i < 50; i++) {
      const p = bytes(900, i);
      a.put(100 + i, i, false, p, i * 14);
      b.put(7000 + i, i, i % 2 === 0, p, i * 14);
    }
    expect(store.bytes).toBe(CHUNK); // 50 × 900 bytes once, not twice
    expect(a.get(120, 700)?.payload).toEqual(bytes(900, 20));
    expect(b.get(7020, 700)).toEqual({ payload: bytes(900, 20), ts: 20, marker: true });
  });
});
