import type { RateLimit } from '../signaling/rate-limit';

/** Per-participant token buckets for the meeting requests. */
export interface MeetingRateLimits {
  chat: RateLimit;
  hand: RateLimit;
  reaction: RateLimit;
}

/**
 * Generous for a person (a burst of quick lines, a round of applause), tight for a script: a
 * flood is refused after the burst and costs the others nothing.
 */
export const defaultMeetingRateLimits: MeetingRateLimits = {
  chat: { burst: 10, perSecond: 2 },
  hand: { burst: 6, perSecond: 1 },
  reaction: { burst: 8, perSecond: 2 },
};
