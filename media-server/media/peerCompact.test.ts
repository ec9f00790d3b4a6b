import { describe, expect, it } from 'vitest';

import { compactPoolViews } from './peerCompact';

/** A small buffer cut from Node's shared pool, as Buffer.from/concat/allocUnsafe make them. */
const pooled = (...bytes: number[]) => Buffer.from(bytes);

describe('compactPoolViews (issue 15, memory)', () => {
  it('moves pool views into one buffer of their own, same bytes, aliases kept', () => {
    const key = pooled(1, 2, 3, 4);
    const frozen = pooled(9, 9);
    const skipped = pooled(7);
    const fixed = {};
    Object.defineProperty(fixed, 'secret', { value: pooled(5), enumerable: true });
    const transport = {
      dtls: {
        cipher: { masterSecret: pooled(10, 11, 12), key },
        cache: [{ fragment: pooled(20, 21) }, { fragment: pooled(22) }],
      },
      srtp: { context: { masterKey: key } },
      big: Buffer.alloc(16, 3), // its own ArrayBuffer: left alone
      frozen: Object.freeze({ frozen }),
      iceTransport: { skipped },
      fixed,
    };
    expect(transport.dtls.cipher.masterSecret.buffer.byteLength).toBe(Buffer.poolSize);

    expect(compactPoolViews(transport)).toBe(4);

    const { cipher, cache } = transport.dtls;
    expect([...cipher.masterSecret]).toEqual([10, 11, 12]);
    expect([...cipher.key]).toEqual([1, 2, 3, 4]);
    expect(cache.map((c) => [...c.fragment])).toEqual([[20, 21], [22]]);
    // One buffer for all of them, not the pool's slab.
    const backing = cipher.masterSecret.buffer;
    expect(backing.byteLength).toBe(3 + 4 + 2 + 1);
    for (const b of [cipher.key, cache[0]?.fragment, cache[1]?.fragment])
      expect(b?.buffer).toBe(backing);
    expect(transport.srtp.context.masterKey).toBe(cipher.key);
    // What cannot be or is not to be written stays as it was.
    expect(transport.frozen.frozen).toBe(frozen);
    expect(transport.iceTransport.skipped).toBe(skipped);
    expect((fixed as { secret: Buffer }).secret.buffer.byteLength).toBe(Buffer.poolSize);
    expect(transport.big.buffer.byteLength).toBe(16);
  });

  it('does nothing where nothing is a pool view', () => {
    const o = { a: Buffer.alloc(8), b: { c: 'x' } };
    expect(compactPoolViews(o)).toBe(0);
  });
});
