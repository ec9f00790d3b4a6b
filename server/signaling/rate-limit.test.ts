import { describe, expect, it } from 'vitest';

import { TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the given rate', () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(400)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
  });

  it('never holds more than the burst', () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 100 }, 0);
    const taken = Array.from({ length: 5 }, () => bucket.take(60_000));
    expect(taken).toEqual([true, true, false, false, false]);
  });
});
