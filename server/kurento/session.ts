import type { KurentoCallback, RawKurentoClient, RawMediaObject } from 'kurento-client';

import type { Logger } from '../logger';
import { KurentoError } from './errors';

/** Where the session reports the latency of every media-server call. */
export interface MediaObserver {
  rpc(operation: string, seconds: number, ok: boolean): void;
}

/** Something a session owns and must forget (without RPCs) when the connection dies. */
export interface SessionMember {
  readonly id: string;
  /** Pipelines are what to release after a reconnection (their endpoints go with them). */
  readonly isPipeline: boolean;
  markGone(): void;
}

/**
 * One connection to the media server (one kurento-client instance, one Kurento session). Every
 * call goes through `call()`, which times it, checks the result and fails fast once the session
 * is dead: kurento-client would otherwise keep a request pending until its 20 s timeout.
 */
export class KurentoSession {
  readonly raw: RawKurentoClient;
  readonly logger: Logger;
  readonly #observer: MediaObserver;
  readonly #pending = new Set<(error: KurentoError) => void>();
  readonly #members = new Set<SessionMember>();
  #dead: KurentoError | undefined;

  constructor(raw: RawKurentoClient, logger: Logger, observer: MediaObserver) {
    this.raw = raw;
    this.logger = logger;
    this.#observer = observer;
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  /**
   * Runs one callback-style kurento-client operation. `check` turns the raw result into the
   * promised value and throws when it is not one (kurento-client can hand back `undefined`).
   */
  call<T>(
    operation: string,
    invoke: (callback: KurentoCallback) => void,
    check: (result: unknown) => T,
  ): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const started = performance.now();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (ok: boolean): boolean => {
        if (settled) return false;
        settled = true;
        this.#pending.delete(abort);
        this.#observer.rpc(operation, (performance.now() - started) / 1000, ok);
        return true;
      };
      const abort = (error: KurentoError): void => {
        if (settle(false)) reject(error);
      };
      this.#pending.add(abort);
      const callback: KurentoCallback = (error, result) => {
        if (error) {
          if (settle(false)) {
            reject(
              new KurentoError('rejected', operation, error.message, {
                ...(typeof error.code === 'number' ? { code: error.code } : {}),
                cause: error,
              }),
            );
          }
          return;
        }
        let value: T;
        try {
          value = check(result);
        } catch (checkError) {
          if (settle(false)) {
            reject(
              checkError instanceof KurentoError
                ? checkError
                : new KurentoError('bad-result', operation, String(checkError)),
            );
          }
          return;
        }
        if (settle(true)) resolve(value);
      };
      try {
        invoke(callback);
      } catch (error) {
        // kurento-client throws synchronously for some bad arguments.
        if (settle(false)) {
          reject(new KurentoError('rejected', operation, String(error), { cause: error }));
        }
      }
    });
  }

  /** Makes kurento-client's `emit('error')` on a media object harmless (see `guardRawObject`). */
  adopt(member: SessionMember, raw: RawMediaObject): void {
    guardRawObject(raw, this.logger);
    this.#members.add(member);
  }

  /** The object was released (by us, or with its pipeline): stop counting it. */
  forget(member: SessionMember): void {
    this.#members.delete(member);
  }

  /**
   * The connection is gone: fail pending calls, forget every object, stop kurento-client.
   * Returns the ids of the pipelines that were live, for release through the next connection.
   */
  kill(reason: string): string[] {
    if (this.#dead) return [];
    this.#dead = new KurentoError('unavailable', 'session', reason);
    for (const abort of [...this.#pending]) abort(this.#dead);
    const members = [...this.#members];
    for (const member of members) member.markGone();
    this.#members.clear();
    const raw = this.raw;
    raw._re.removeAllListeners('disconnect');
    raw._re.disconnect();
    raw.close();
    return members.filter((member) => member.isPipeline).map((member) => member.id);
  }

  get objectCount(): number {
    return this.#members.size;
  }

  /** The pipelines this session created and has not released (what the app believes exists). */
  livePipelines(): SessionMember[] {
    return [...this.#members].filter((member) => member.isPipeline);
  }
}

/**
 * kurento-client re-emits failed `subscribe`/`unsubscribe` calls as `'error'` on the media object,
 * and refuses `on('error')` listeners there (`'error'` is not one of its event names), so such a
 * failure (for example an unsubscribe racing a lost connection) would throw out of the event loop.
 * The guard turns an unhandled `'error'` emit into a log line.
 */
function guardRawObject(raw: RawMediaObject, logger: Logger): void {
  const emit = raw.emit.bind(raw);
  raw.emit = (event: string, ...args: unknown[]): boolean => {
    if (event === 'error' && raw.listenerCount('error') === 0) {
      logger.warn({ err: args[0], objectId: raw.id }, 'mediaObject.emit() | unhandled error');
      return false;
    }
    return emit(event, ...args);
  };
}
