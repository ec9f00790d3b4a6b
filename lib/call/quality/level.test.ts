import { describe, expect, it } from 'vitest';

import { qualityLevel } from './level';

describe('qualityLevel', () => {
  it('is good on a clean path, fair or poor as loss, round trip or jitter grow', () => {
    expect(qualityLevel({ lossPercent: 0, rttMs: 20, jitterMs: 3 })).toBe('good');
    expect(qualityLevel({ lossPercent: 0, rttMs: null, jitterMs: 0 })).toBe('good');
    expect(qualityLevel({ lossPercent: 3, rttMs: 20, jitterMs: 3 })).toBe('fair');
    expect(qualityLevel({ lossPercent: 10, rttMs: 20, jitterMs: 3 })).toBe('poor');
    expect(qualityLevel({ lossPercent: 0, rttMs: 350, jitterMs: 3 })).toBe('fair');
    expect(qualityLevel({ lossPercent: 0, rttMs: 800, jitterMs: 3 })).toBe('poor');
    expect(qualityLevel({ lossPercent: 0, rttMs: 20, jitterMs: 70 })).toBe('poor');
    // The worst input decides.
    expect(qualityLevel({ lossPercent: 3, rttMs: 800, jitterMs: 0 })).toBe('poor');
  });
});
