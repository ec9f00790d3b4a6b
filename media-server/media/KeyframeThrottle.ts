/**
 * Rate-limits keyframe requests towards a publisher (a PLI storm from many viewers would make it
 * send keyframes back to back). A request inside the window is not dropped: one trailing request
 * fires when the window ends, so a late joiner still gets its keyframe.
 */
export class KeyframeThrottle {
  #last = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
  ) {}

  request(): void {
    if (this.#timer) return;
    const now = performance.now();
    const wait = this.#last + this.intervalMs - now;
    if (wait <= 0) {
      this.#fire(now);
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#fire(performance.now());
    }, wait);
  }

  #fire(now: number): void {
    this.#last = now;
    this.send();
  }

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** One throttle per media kind, as a publisher's endpoint keeps them. */
export class KeyframeThrottles {
  readonly #of: Record<'audio' | 'video', KeyframeThrottle>;

  constructor(intervalMs: number, send: (kind: 'audio' | 'video') => void) {
    this.#of = {
      audio: new KeyframeThrottle(intervalMs, () => send('audio')),
      video: new KeyframeThrottle(intervalMs, () => send('video')),
    };
  }

  request(kind: 'audio' | 'video'): void {
    this.#of[kind].request();
  }

  /** Timers running now (for leak checks). */
  get pending(): number {
    return (this.#of.audio.pending ? 1 : 0) + (this.#of.video.pending ? 1 : 0);
  }

  close(): void {
    this.#of.audio.close();
    this.#of.video.close();
  }
}
