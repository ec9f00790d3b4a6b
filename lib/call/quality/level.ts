/** A connection's quality as a tile shows it. */
export type QualityLevel = 'good' | 'fair' | 'poor';

export interface QualityInputs {
  /** Packets lost before repair, percent (see `linkStats.ts`). */
  lossPercent: number;
  /** Round trip to the media server, ms (null: not measured yet). */
  rttMs: number | null;
  /** Interarrival jitter, ms. */
  jitterMs: number;
}

/**
 * Thresholds in the spirit of Jitsi's and LiveKit's indicators: around 2% loss Opus and VP8 with
 * NACK still hide it; from 5% freezes and concealment become visible; 300 ms round trip is where
 * conversation starts to overlap, 50 ms of jitter where the jitter buffer grows noticeably.
 */
const poor = { lossPercent: 5, rttMs: 500, jitterMs: 50 };
const fair = { lossPercent: 2, rttMs: 300, jitterMs: 30 };

/** The worst of loss, round trip and jitter decides. */
export function qualityLevel(inputs: QualityInputs): QualityLevel {
  const over = (limit: typeof poor): boolean =>
    inputs.lossPercent >= limit.lossPercent ||
    (inputs.rttMs ?? 0) >= limit.rttMs ||
    inputs.jitterMs >= limit.jitterMs;
  if (over(poor)) return 'poor';
  if (over(fair)) return 'fair';
  return 'good';
}
