import type { JoinRoomRequest, JoinRoomResult, Result } from '../protocol';
import { CallRequestError } from './CallError';
import { type CallSocket, joinTimeoutMs } from './SignalingClient';

/** What the call does with the join's answer; called once, in its place among the events. */
export interface JoinAnswerHandler {
  answered(result: JoinRoomResult): void;
  failed(error: Error): void;
}

type Kept =
  | { kind: 'event'; event: string; args: unknown[] }
  | { kind: 'answer'; outcome: { result: JoinRoomResult } | { error: Error } };

type Listener = (...args: unknown[]) => void;

/**
 * `room:join` sent from the click on Join (issue 18), on the socket the prejoin screen opened,
 * instead of after the call view has mounted and its `CallSession` started (about 60 ms of
 * rendering on a fast machine): the server admits me while the view renders.
 *
 * Until the session adopts it, whatever the server sends on that socket is kept in arrival order,
 * the join's answer in its place among the events (the lobby's `access:waiting` comes before it,
 * the room's events after it). `adopt` replays it all to the listeners the session has attached by
 * then, the answer through the session's handler, in one synchronous step; after that the socket's
 * events reach the listeners directly and a late answer goes straight to the handler. So nothing
 * the server said is lost or seen twice, and nothing arrives before the answer it depends on.
 */
export class EarlyJoin {
  readonly #socket: CallSocket;
  #kept: Kept[] = [];
  #handler: JoinAnswerHandler | null = null;
  #answered = false;
  #closed = false;
  readonly #keep = (event: string, ...args: unknown[]): void => {
    this.#kept.push({ kind: 'event', event, args });
  };

  constructor(socket: CallSocket, request: JoinRoomRequest) {
    this.#socket = socket;
    // Listening before the emit: an answer cannot overtake a listener that is not there yet.
    socket.onAny(this.#keep);
    socket.timeout(joinTimeoutMs).emit('room:join', request, (error, result) => {
      this.#onAnswer(error ? { error } : unwrap(result));
    });
  }

  /**
   * The session's listeners are attached: replays what was kept (the answer to `handler`), then
   * steps aside. Returns false when the join was dropped before (`close`).
   */
  adopt(handler: JoinAnswerHandler): boolean {
    if (this.#closed || this.#handler) return false;
    this.#handler = handler;
    this.#socket.offAny(this.#keep);
    const kept = this.#kept;
    this.#kept = [];
    // Events after a failed answer find no listeners (the call ended and removed them).
    for (const item of kept) {
      if (item.kind === 'answer') this.#deliver(item.outcome);
      else for (const listener of listenersOf(this.#socket, item.event)) listener(...item.args);
    }
    return true;
  }

  /** Not adopted after all (the call never started): keeps nothing, the answer is ignored. */
  close(): void {
    this.#closed = true;
    this.#kept = [];
    this.#socket.offAny(this.#keep);
  }

  #onAnswer(outcome: { result: JoinRoomResult } | { error: Error }): void {
    if (this.#closed) return;
    if (this.#handler) this.#deliver(outcome);
    else this.#kept.push({ kind: 'answer', outcome });
  }

  #deliver(outcome: { result: JoinRoomResult } | { error: Error }): void {
    const handler = this.#handler;
    if (this.#closed || this.#answered || !handler) return;
    this.#answered = true;
    if ('result' in outcome) handler.answered(outcome.result);
    else handler.failed(outcome.error);
  }
}

function unwrap(result: Result<JoinRoomResult>): { result: JoinRoomResult } | { error: Error } {
  return result.ok ? { result: result.data } : { error: new CallRequestError(result.error) };
}

/** The socket's own listeners for an event, as the socket would call them. */
function listenersOf(socket: CallSocket, event: string): Listener[] {
  const listeners = socket.listeners as (event: string) => Listener[];
  return listeners.call(socket, event);
}
