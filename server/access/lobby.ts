import { randomUUID } from 'node:crypto';

import { ErrorCode } from '../../lib/protocol';
import type { LobbyEntry } from '../../lib/protocol';
import { AppError } from '../errors';
import { Waits } from './waits';

interface Waiting {
  entry: LobbyEntry;
  admit(): void;
  deny(error: AppError): void;
}

/**
 * People waiting to be let into a room, first come first. They are no participants: no media
 * object, nobody sees them but the hosts (through `onChange`), they hear nothing of the room.
 */
export class Lobby {
  readonly #waiting = new Map<string, Waiting>();
  readonly #waits = new Waits();
  readonly #onChange: () => void;
  readonly #waitMs: number;
  readonly #now: () => number;

  constructor(options: { onChange: () => void; waitMs: number; now?: () => number }) {
    this.#onChange = options.onChange;
    this.#waitMs = options.waitMs;
    this.#now = options.now ?? Date.now;
  }

  list(): LobbyEntry[] {
    return [...this.#waiting.values()].map((waiting) => waiting.entry);
  }

  /** Resolves when a host admits me; rejects when denied, timed out, gone or the room closed. */
  wait(displayName: string, signal: AbortSignal): Promise<void> {
    const id = randomUUID();
    const held = this.#waits.hold({
      signal,
      timeoutMs: this.#waitMs,
      timeout: new AppError(ErrorCode.LobbyTimeout, 'Nobody let you in; try again later.'),
      onEnd: () => {
        if (this.#waiting.delete(id)) this.#onChange();
      },
    });
    if (!signal.aborted) {
      const entry = { id, displayName, since: this.#now() };
      this.#waiting.set(id, { entry, admit: held.resolve, deny: held.reject });
      this.#onChange();
    }
    return held.promise;
  }

  /** False when nobody with that id waits (already decided, gone). */
  admit(id: string): boolean {
    const waiting = this.#waiting.get(id);
    waiting?.admit();
    return waiting !== undefined;
  }

  deny(id: string): boolean {
    const waiting = this.#waiting.get(id);
    waiting?.deny(new AppError(ErrorCode.LobbyDenied, 'The host did not let you in.'));
    return waiting !== undefined;
  }

  /** The lobby was turned off: everyone waiting comes in. */
  admitAll(): void {
    for (const waiting of [...this.#waiting.values()]) waiting.admit();
  }

  close(error: AppError): void {
    this.#waits.close(error);
  }
}
