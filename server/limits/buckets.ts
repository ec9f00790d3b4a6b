/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface Rate {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** How often (in takes) idle buckets are looked for; keeps the map bounded without a timer. */
const sweepEvery = 1024;

/**
 * Token buckets by key (a client address, a room id). Keyed by something that outlives a socket,
 * so reconnecting does not refill anything. Buckets that have refilled completely are forgotten:
 * a fresh bucket is the same thing, so forgetting loses nothing and the map stays small.
 */
export class KeyedBuckets {
  readonly #rate: Rate;
  readonly #buckets = new Map<string, Bucket>();
  #takes = 0;

  constructor(rate: Rate) {
    this.#rate = rate;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes `cost` tokens from `key`'s bucket; false (and nothing taken) when there are not enough. */
  take(key: string, now: number = performance.now(), cost = 1): boolean {
    this.#takes += 1;
    if (this.#takes % sweepEvery === 0) this.#sweep(now);
    const bucket = this.#buckets.get(key);
    const tokens = bucket ? this.#refilled(bucket, now) : this.#rate.burst;
    if (tokens < cost) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      else this.#buckets.set(key, { tokens, at: now });
      return false;
    }
    if (bucket) Object.assign(bucket, { tokens: tokens - cost, at: now });
    else this.#buckets.set(key, { tokens: tokens - cost, at: now });
    return true;
  }

  #refilled(bucket: Bucket, now: number): number {
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.#rate.burst, bucket.tokens + elapsedSeconds * this.#rate.perSecond);
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now) >= this.#rate.burst) this.#buckets.delete(key);
    }
  }
}

/** One token bucket (one connection's own budget). */
export class TokenBucket {
  readonly #rate: Rate;
  #tokens: number;
  #at: number;

  constructor(rate: Rate, now: number = performance.now()) {
    this.#rate = rate;
    this.#tokens = rate.burst;
    this.#at = now;
  }

  take(now: number = performance.now()): boolean {
    const elapsedSeconds = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(this.#rate.burst, this.#tokens + elapsedSeconds * this.#rate.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
