import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * werift's `Event` (common/src/event.js) defines ten arrow functions in its constructor, so each
 * of the ~69 Events of a peer connection carries ten closures and a property array for them:
 * ~3.4 MB of live heap in a room of 8 (64 connections; bench/RESULTS.md, issue 15, session 11,
 * mem). This one has werift's fields and behaviour with the methods on the prototype.
 *
 * `execute` stays an own arrow function, one closure per Event as before: werift and Moim call it
 * detached (fastReceive.ts's `leanEvent` keeps the original and calls it bare), and it is the one
 * method on the packet path. Every Event's `execute` then comes from the same function literal,
 * as werift's did, so V8's call feedback at `event.execute(…)` sites stays as it was (a bound
 * prototype method per instance would make those sites see a different target per Event).
 *
 * `execute` differs in one way that nobody can observe: werift starts an async loop over the
 * promise listeners on every call; with none (Moim subscribes none) that loop awaits nothing and
 * its promise never rejects, so it is skipped.
 */

type Listener = (...args: unknown[]) => unknown;

interface Item {
  execute: Listener;
  id: number;
  complete?: () => void;
  error?: (e: unknown) => void;
}

interface Stacks {
  stack: Item[];
  promiseStack: Item[];
  eventId: number;
}

interface Subscription {
  unSubscribe: () => void;
  disposer: (disposer: { push(f: () => void): void }) => void;
}

const noop = (): void => {};

/**
 * A listener list is never changed in place: a subscription puts a new array of the exact length
 * (werift's `unSubscribe` already replaces it by a filtered copy). A pushed-into empty array gets
 * room for 16 (144 bytes) where one listener is the common case, and 1,664 of a room of 8's 4,417
 * Events have none at all: those share one empty state until their first subscriber (heap
 * snapshot, bench/RESULTS.md, issue 15, session 14). Readers that hold `event` across a call
 * (shortRoute.ts, fastReceive.ts) read it per call, as werift's own `execute` does.
 */
const NONE = Object.freeze([]) as unknown as Item[];
const UNSUBSCRIBED: Stacks = Object.freeze({ stack: NONE, promiseStack: NONE, eventId: 0 });

export class LeanEvent {
  event: Stacks = UNSUBSCRIBED;
  ended = false;
  onended: (() => void) | undefined = undefined;
  onerror: (e: unknown) => void = noop;

  execute = (...args: unknown[]): void => {
    if (this.ended) return;
    for (const item of this.event.stack) item.execute(...args);
    const promises = this.event.promiseStack;
    if (promises.length === 0) return;
    (async () => {
      for (const item of promises) await item.execute(...args);
    })().catch((e: unknown) => {
      this.onerror(e);
    });
  };

  complete(): void {
    if (this.ended) return;
    for (const item of this.event.stack) item.complete?.();
    this.allUnsubscribe();
    this.ended = true;
    if (this.onended) {
      this.onended();
      this.onended = undefined;
    }
  }

  error(e: unknown): void {
    if (this.ended) return;
    for (const item of this.event.stack) item.error?.(e);
    this.allUnsubscribe();
  }

  allUnsubscribe(): void {
    if (this.ended) return;
    this.event = { stack: NONE, promiseStack: NONE, eventId: 0 };
  }

  subscribe(execute: Listener, complete?: () => void, error?: (e: unknown) => void): Subscription {
    return push(this, 'stack', execute, complete, error);
  }

  queuingSubscribe(
    execute: Listener,
    complete?: () => void,
    error?: (e: unknown) => void,
  ): Subscription {
    if (this.ended) throw new Error('event completed');
    return push(this, 'promiseStack', execute, complete, error);
  }

  once(execute: Listener, complete?: () => void, error?: (e: unknown) => void): void {
    const off = this.subscribe(
      (...args) => {
        off.unSubscribe();
        execute(...args);
      },
      complete,
      error,
    );
  }

  watch(cb: (...args: unknown[]) => unknown, timeLimit?: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timeout =
        timeLimit &&
        setTimeout(() => {
          reject('Event watch timeout');
        }, timeLimit);
      const { unSubscribe } = this.subscribe((...args) => {
        if (cb(...args)) {
          if (timeout) clearTimeout(timeout);
          unSubscribe();
          resolve(args);
        }
      });
    });
  }

  asPromise(timeLimit?: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timeout =
        timeLimit &&
        setTimeout(() => {
          reject('Event asPromise timeout');
        }, timeLimit);
      this.once(
        (...args) => {
          if (timeout) clearTimeout(timeout);
          resolve(args);
        },
        () => {
          if (timeout) clearTimeout(timeout);
          resolve([]);
        },
        (err) => {
          if (timeout) clearTimeout(timeout);
          reject(err);
        },
      );
    });
  }

  pipe(e: { execute: Listener }): void {
    this.subscribe((...args) => {
      e.execute(...args);
    });
  }

  /** werift hands these out to be called detached: bound here. */
  get returnTrigger() {
    return {
      execute: this.execute,
      error: this.error.bind(this),
      complete: this.complete.bind(this),
    };
  }

  get returnListener() {
    return {
      subscribe: this.subscribe.bind(this),
      once: this.once.bind(this),
      asPromise: this.asPromise.bind(this),
    };
  }

  get length(): number {
    return this.event.stack.length;
  }
}

/**
 * Adds a listener to one of `e`'s lists. werift's `unSubscribe` filters `stack` whichever list the
 * listener went to (a queued listener stays subscribed): kept. A function, not a private method: a
 * private method puts a brand on every instance.
 */
function push(
  e: LeanEvent,
  to: 'stack' | 'promiseStack',
  execute: Listener,
  complete?: () => void,
  error?: (e: unknown) => void,
): Subscription {
  if (e.event === UNSUBSCRIBED) e.event = { stack: NONE, promiseStack: NONE, eventId: 0 };
  const ev = e.event;
  const id = ev.eventId;
  ev[to] = ev[to].concat({ execute, id, complete, error });
  ev.eventId++;
  const unSubscribe = () => {
    e.event.stack = e.event.stack.filter((item) => item.id !== id && item);
  };
  return { unSubscribe, disposer: (disposer) => disposer.push(unSubscribe) };
}

let installed = false;

/**
 * Puts LeanEvent in place of werift's Event in werift's CommonJS module (the production bundle,
 * `tsx media-server/main.ts`). werift's modules read `Event` from that module's exports at each
 * `new` (through tslib's re-export getters), so this works whenever it runs before the first
 * connection; it runs at import, before werift loads. Under vitest werift is its ES module bundle,
 * whose Event is internal, and keeps its own. Returns whether the class is in place.
 */
export function installLeanEvent(): boolean {
  if (installed) return true;
  const require = createRequire(import.meta.url);
  const root = path.join(path.dirname(require.resolve('werift')), '..', '..');
  const mod = require(path.join(root, 'common', 'src', 'event.js')) as { Event: unknown };
  mod.Event = LeanEvent;
  installed = true;
  return true;
}

installLeanEvent();
