/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/** Per-connection limits by request kind. */
export interface RateLimits {
  join: RateLimit;
  offer: RateLimit;
  candidate: RateLimit;
  mute: RateLimit;
  /** `subscription:update`: tiles scrolling in and out of view, several at once. */
  subscription: RateLimit;
}

export const defaultRateLimits: RateLimits = {
  join: { burst: 5, perSecond: 0.5 },
  offer: { burst: 40, perSecond: 10 },
  candidate: { burst: 200, perSecond: 50 },
  mute: { burst: 20, perSecond: 5 },
  subscription: { burst: 64, perSecond: 20 },
};

export class TokenBucket {
  readonly #limit: RateLimit;
  #tokens: number;
  #updatedAt: number;

  constructor(limit: RateLimit, now: number = performance.now()) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#updatedAt = now;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number = performance.now()): boolean {
    const elapsedSeconds = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(
      this.#limit.burst,
      this.#tokens + elapsedSeconds * this.#limit.perSecond,
    );
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
