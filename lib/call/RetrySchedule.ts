/** Exponential back-off per key (1 s, 2 s, 4 s … up to 10 s), reset once a key succeeds. */
export class RetrySchedule {
  #attempts = new Map<string, number>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  schedule(key: string, run: () => void): void {
    if (this.#timers.has(key)) return;
    const attempt = this.#attempts.get(key) ?? 0;
    this.#attempts.set(key, attempt + 1);
    const delay = Math.min(1000 * 2 ** attempt, 10_000);
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        run();
      }, delay),
    );
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
