import type { IncomingMessage } from 'node:http';

/** A handshake admitted but not yet a connection is counted for this long at most. */
const pendingMs = 10_000;

/**
 * Open connections per address and in all. A handshake is counted from the moment it is admitted
 * (so 1,000 handshakes in one burst cannot all pass before the first becomes a connection) until
 * its connection closes, or `pendingMs` if it never becomes one.
 */
export class ConnectionCounter {
  readonly #byAddress = new Map<string, number>();
  readonly #pending = new Map<IncomingMessage, { address: string; timer: NodeJS.Timeout }>();
  #total = 0;

  get total(): number {
    return this.#total;
  }

  count(address: string): number {
    return this.#byAddress.get(address) ?? 0;
  }

  /** A handshake from `address` was admitted. */
  admitted(req: IncomingMessage, address: string): void {
    this.#add(address, 1);
    const timer = setTimeout(() => {
      if (this.#pending.delete(req)) this.#add(address, -1);
    }, pendingMs);
    timer.unref();
    this.#pending.set(req, { address, timer });
  }

  /** The handshake `req` became a connection; `release` undoes the count when it closes. */
  opened(req: IncomingMessage): (() => void) | undefined {
    const pending = this.#pending.get(req);
    if (!pending) return undefined;
    this.#pending.delete(req);
    clearTimeout(pending.timer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#add(pending.address, -1);
    };
  }

  close(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  #add(address: string, delta: number): void {
    this.#total += delta;
    const next = (this.#byAddress.get(address) ?? 0) + delta;
    if (next <= 0) this.#byAddress.delete(address);
    else this.#byAddress.set(address, next);
  }
}
