/**
 * Back-off per key: the first attempt at once (a stalled connection is replaced without delay,
 * issue 16's 3 s recovery), then 1 s, 2 s, 4 s … up to 10 s; reset once a key succeeds, giving
 * up after `maxAttempts` in a row.
 */
export class RetrySchedule {
  constructor(private readonly maxAttempts = 6) {}

  #attempts = new Map<string, number>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Returns false when this key has used up its attempts (or one is already pending). */
  schedule(key: string, run: () => void): boolean {
    if (this.#timers.has(key)) return false;
    const attempt = this.#attempts.get(key) ?? 0;
    if (attempt >= this.maxAttempts) return false;
    this.#attempts.set(key, attempt + 1);
    const delay = attempt === 0 ? 0 : Math.min(1000 * 2 ** (attempt - 1), 10_000);
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        run();
      }, delay),
    );
    return true;
  }

  reset(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.#attempts.delete(key);
  }

  clear(): void {
    this.#timers.forEach((timer) => clearTimeout(timer));
    this.#timers.clear();
    this.#attempts.clear();
  }
}
