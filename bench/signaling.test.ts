/** Smoke run of the signaling benchmark: two clients, two seconds, real servers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startStack, type Stack } from './lib/stack';
import { sampleOffer } from './signaling/offer';
import { runSignaling } from './signaling/run';

let stack: Stack | undefined;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('signaling benchmark (smoke)', () => {
  it('runs join/offer/leave cycles and times the acks', { timeout: 30_000 }, async () => {
    if (!stack) throw new Error('no stack');
    const r = await runSignaling({
      stack,
      mode: 'join-offer-leave',
      concurrency: 2,
      seconds: 2,
      maxCycles: 50,
      offerSdp: await sampleOffer(),
    });
    expect(r.firstErrors).toEqual([]);
    expect(r.cycles).toBeGreaterThan(0);
    expect(r.join.p50).toBeGreaterThan(0);
    expect(r.offer.n).toBe(r.cycles);
  });
});
