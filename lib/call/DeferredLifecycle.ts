/**
 * Reference-counted start/stop for objects owned by React effects. StrictMode runs
 * mount → unmount → mount synchronously; the stop is deferred one task so the second mount
 * keeps the first start instead of creating (or tearing down) anything twice.
 */
export class DeferredLifecycle {
  #users = 0;
  #started = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onStart: () => void,
    private readonly onStop: () => void,
  ) {}

  retain(): void {
    this.#users += 1;
    clearTimeout(this.#timer);
    if (this.#started) return;
    this.#started = true;
    this.onStart();
  }

  release(): void {
    this.#users -= 1;
    if (this.#users > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.onStop(), 0);
  }
}
