import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';

export interface Session {
  readonly id: string;
  /** The socket events go to (the last one bound to this session), if any is open. */
  socket: WebSocket | undefined;
  /** When the session lost its last socket (for garbage collection). */
  detachedAt: number | undefined;
  /** subscription id → key (`objectId\n type`). */
  readonly subscriptions: Map<string, string>;
  /** Objects this session created; released when the session is garbage-collected. */
  readonly owned: Set<string>;
}

const key = (objectId: string, type: string) => `${objectId}\n${type}`;

/**
 * Sessions and event subscriptions. As in KMS, several subscriptions of one session to the same
 * (object, event) share one delivery, and events go to whichever socket holds the session now.
 */
export class Sessions {
  readonly #byId = new Map<string, Session>();
  /** `objectId\n type` → session id → number of subscriptions. */
  readonly #subs = new Map<string, Map<string, number>>();

  get(id: string): Session | undefined {
    return this.#byId.get(id);
  }

  /** KMS accepts any session id a request carries, creating it on first use. */
  getOrCreate(id: string | undefined): Session {
    const sid = id ?? randomUUID();
    let s = this.#byId.get(sid);
    if (!s) {
      s = {
        id: sid,
        socket: undefined,
        detachedAt: Date.now(),
        subscriptions: new Map(),
        owned: new Set(),
      };
      this.#byId.set(sid, s);
    }
    return s;
  }

  ids(): string[] {
    return [...this.#byId.keys()];
  }

  all(): IterableIterator<Session> {
    return this.#byId.values();
  }

  bind(s: Session, socket: WebSocket): void {
    s.socket = socket;
    s.detachedAt = undefined;
  }

  /** A socket closed: every session it held keeps its objects until garbage collection. */
  detach(socket: WebSocket): void {
    for (const s of this.#byId.values()) {
      if (s.socket === socket) {
        s.socket = undefined;
        s.detachedAt = Date.now();
      }
    }
  }

  subscribe(s: Session, objectId: string, type: string): string {
    const id = randomUUID();
    const k = key(objectId, type);
    s.subscriptions.set(id, k);
    let per = this.#subs.get(k);
    if (!per) {
      per = new Map();
      this.#subs.set(k, per);
    }
    per.set(s.id, (per.get(s.id) ?? 0) + 1);
    return id;
  }

  /** Never fails (KMS answers success for unknown objects and subscriptions). */
  unsubscribe(s: Session, subscriptionId: string): void {
    const k = s.subscriptions.get(subscriptionId);
    if (k === undefined) return;
    s.subscriptions.delete(subscriptionId);
    const per = this.#subs.get(k);
    if (!per) return;
    const n = (per.get(s.id) ?? 1) - 1;
    if (n > 0) per.set(s.id, n);
    else per.delete(s.id);
    if (per.size === 0) this.#subs.delete(k);
  }

  /** Forgets every subscription to a released object. */
  dropObject(objectId: string, eventTypes: Iterable<string>): void {
    for (const t of eventTypes) {
      const k = key(objectId, t);
      const per = this.#subs.get(k);
      if (!per) continue;
      this.#subs.delete(k);
      for (const sid of per.keys()) {
        const s = this.#byId.get(sid);
        if (!s) continue;
        for (const [subId, sk] of s.subscriptions) if (sk === k) s.subscriptions.delete(subId);
      }
    }
    for (const s of this.#byId.values()) s.owned.delete(objectId);
  }

  /** Sockets of the sessions subscribed to (objectId, type). */
  *targets(objectId: string, type: string): Generator<WebSocket> {
    const per = this.#subs.get(key(objectId, type));
    if (!per) return;
    for (const sid of per.keys()) {
      const sock = this.#byId.get(sid)?.socket;
      if (sock) yield sock;
    }
  }

  remove(s: Session): void {
    for (const subId of [...s.subscriptions.keys()]) this.unsubscribe(s, subId);
    this.#byId.delete(s.id);
  }
}
