/**
 * At most one rejoin per interval (a rejoin replaces every connection: a failing path must not
 * make the page do that in a loop). A rejoin asked for sooner is not dropped: it runs once the
 * interval is over.
 */
export class RejoinPacer {
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly intervalMs = 5000) {}

  /**
   * True: rejoin now (the caller does it). False: one is already waiting, or `later` runs when
   * the interval is over.
   */
  admit(later: () => void): boolean {
    if (this.#timer) return false;
    const wait = this.#last + this.intervalMs - Date.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        later();
      }, wait);
      return false;
    }
    this.#last = Date.now();
    return true;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
