import { randomBytes, randomUUID } from 'node:crypto';

import { ErrorCode } from '../../lib/protocol';
import type { LobbyEntry } from '../../lib/protocol';
import { AppError } from '../errors';

/** Why a waiting join's signal aborts when its connection was lost rather than closed. */
export const connectionLost = 'connection lost';

interface Listener {
  resolve(): void;
  reject(error: AppError): void;
}

interface Waiting {
  entry: LobbyEntry;
  /** Shown to the joiner only: a join after a lost connection presents it to keep this place. */
  ticket: string;
  /** The join waiting on it now; null while its connection is lost. */
  listener: Listener | null;
  /** Decided while the joiner was away: told when they are back. */
  outcome: 'admitted' | AppError | undefined;
  timer: ReturnType<typeof setTimeout>;
  awayTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface LobbyOptions {
  onChange: () => void;
  /** How long one may wait in all. */
  waitMs: number;
  /** How long a place is kept for a joiner whose connection was lost (0: not kept). */
  keepMs: number;
  now?: () => number;
}

/**
 * People waiting to be let into a room, first come first. They are no participants: no media
 * object, nobody sees them but the hosts (through `onChange`), they hear nothing of the room. A
 * joiner whose connection is lost keeps their place for `keepMs`, as a participant keeps theirs
 * in the call: their join after reconnecting presents the ticket and waits on (or gets in, or
 * hears the host's no, if a host decided meanwhile).
 */
export class Lobby {
  readonly #waiting = new Map<string, Waiting>();
  readonly #options: LobbyOptions;
  readonly #now: () => number;

  constructor(options: LobbyOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Who waits, as hosts see them (people decided while away are no longer waiting). */
  list(): LobbyEntry[] {
    return [...this.#waiting.values()].filter((w) => !w.outcome).map((w) => w.entry);
  }

  /**
   * Holds a join: `promise` resolves when a host admits me and rejects when denied, timed out,
   * gone or the room closed. `ticket` (from an earlier wait whose connection was lost) takes that
   * place back, also before the server noticed the loss (the ticket is secret: only that browser
   * has it); `pending` is false when the answer is already known.
   */
  wait(
    displayName: string,
    signal: AbortSignal,
    ticket?: string,
  ): { ticket: string; pending: boolean; promise: Promise<void> } {
    const waiting =
      (ticket === undefined ? undefined : this.#byTicket(ticket)) ?? this.#add(displayName);
    clearTimeout(waiting.awayTimer);
    waiting.awayTimer = undefined;
    // The old connection's join, if the server has not noticed its loss yet, ends here.
    waiting.listener?.reject(cancelled());
    let listener!: Listener;
    const promise = new Promise<void>((resolve, reject) => {
      listener = { resolve, reject };
    });
    waiting.listener = listener;
    const outcome = waiting.outcome;
    if (outcome) this.#settle(waiting, outcome);
    else if (signal.aborted) this.#abort(waiting, listener, signal);
    else
      signal.addEventListener('abort', () => this.#abort(waiting, listener, signal), {
        once: true,
      });
    return { ticket: waiting.ticket, pending: outcome === undefined, promise };
  }

  /** False when nobody with that id waits (already decided, gone). */
  admit(id: string): boolean {
    return this.#decide(id, 'admitted');
  }

  deny(id: string): boolean {
    return this.#decide(id, new AppError(ErrorCode.LobbyDenied, 'The host did not let you in.'));
  }

  /** The lobby was turned off: everyone waiting comes in. */
  admitAll(): void {
    for (const waiting of [...this.#waiting.values()]) {
      if (!waiting.outcome) this.#decide(waiting.entry.id, 'admitted');
    }
  }

  close(error: AppError): void {
    for (const waiting of [...this.#waiting.values()]) this.#settle(waiting, error);
  }

  #add(displayName: string): Waiting {
    const entry = { id: randomUUID(), displayName, since: this.#now() };
    const waiting: Waiting = {
      entry,
      ticket: randomBytes(16).toString('base64url'),
      listener: null,
      outcome: undefined,
      timer: setTimeout(
        () =>
          this.#settle(
            waiting,
            new AppError(ErrorCode.LobbyTimeout, 'Nobody let you in; try again later.'),
          ),
        this.#options.waitMs,
      ),
      awayTimer: undefined,
    };
    this.#waiting.set(entry.id, waiting);
    this.#options.onChange();
    return waiting;
  }

  #byTicket(ticket: string): Waiting | undefined {
    for (const waiting of this.#waiting.values()) if (waiting.ticket === ticket) return waiting;
    return undefined;
  }

  #decide(id: string, outcome: 'admitted' | AppError): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting || waiting.outcome) return false;
    if (waiting.listener) {
      this.#settle(waiting, outcome);
    } else {
      // Away: the answer waits for their return (or goes with the kept place).
      waiting.outcome = outcome;
      this.#options.onChange();
    }
    return true;
  }

  /** The join's caller went away: a lost connection keeps the place for a while, else it goes. */
  #abort(waiting: Waiting, listener: Listener, signal: AbortSignal): void {
    // Taken over by a newer join with the ticket, or already settled: nothing of mine is left.
    if (waiting.listener !== listener) return;
    if (signal.reason === connectionLost && this.#options.keepMs > 0) {
      waiting.listener = null;
      waiting.awayTimer = setTimeout(() => this.#forget(waiting), this.#options.keepMs);
      listener.reject(cancelled());
      return;
    }
    this.#settle(waiting, cancelled());
  }

  /** Ends the wait with `outcome` and forgets the place. */
  #settle(waiting: Waiting, outcome: 'admitted' | AppError): void {
    const listener = waiting.listener;
    waiting.listener = null;
    this.#forget(waiting);
    if (outcome === 'admitted') listener?.resolve();
    else listener?.reject(outcome);
  }

  #forget(waiting: Waiting): void {
    clearTimeout(waiting.timer);
    clearTimeout(waiting.awayTimer);
    if (this.#waiting.get(waiting.entry.id) !== waiting) return;
    this.#waiting.delete(waiting.entry.id);
    if (!waiting.outcome) this.#options.onChange();
  }
}

function cancelled(): AppError {
  return new AppError(ErrorCode.NotInRoom, 'The join was cancelled.');
}
