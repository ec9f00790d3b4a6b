import { ErrorCode } from '../../lib/protocol';
import { AppError } from '../errors';

interface Wait {
  resolve(): void;
  reject(error: AppError): void;
}

/**
 * Joins held at the door (lobby, password): each resolves when let in, and is rejected when
 * denied, when its time is up, when the joiner goes away (`signal`), or when the room closes.
 * Every timer and listener goes with its wait.
 */
export class Waits {
  readonly #waits = new Set<Wait>();

  get size(): number {
    return this.#waits.size;
  }

  /** `onEnd` runs once however the wait ends (to forget the joiner's lobby entry, say). */
  hold(options: {
    signal: AbortSignal;
    timeoutMs: number;
    timeout: AppError;
    onEnd?: () => void;
  }): { promise: Promise<void>; resolve(): void; reject(error: AppError): void } {
    let settle!: Wait;
    const promise = new Promise<void>((resolve, reject) => {
      const end = (): void => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        this.#waits.delete(settle);
        options.onEnd?.();
      };
      const timer = setTimeout(() => settle.reject(options.timeout), options.timeoutMs);
      const onAbort = (): void =>
        settle.reject(new AppError(ErrorCode.NotInRoom, 'The join was cancelled.'));
      let done = false;
      settle = {
        resolve: () => {
          if (done) return;
          done = true;
          end();
          resolve();
        },
        reject: (error) => {
          if (done) return;
          done = true;
          end();
          reject(error);
        },
      };
      this.#waits.add(settle);
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
    return { promise, resolve: () => settle.resolve(), reject: (e) => settle.reject(e) };
  }

  /** The room closed: nobody is let in any more. */
  close(error: AppError): void {
    for (const wait of [...this.#waits]) wait.reject(error);
  }
}
