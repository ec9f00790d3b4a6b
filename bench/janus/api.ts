/**
 * A Janus HTTP API session for load tools (https://janus.conf.meetecho.com/docs/rest.html): one
 * long-poll loop per session delivers asynchronous plugin answers (by transaction) and
 * unsolicited plugin events (by handle). The long poll also keeps the session alive.
 */
import { randomUUID } from 'node:crypto';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** false: every candidate is in the SDP (the load clients gather before sending) */
  trickle?: boolean;
}

export interface PluginEvent {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

interface JanusMessage {
  janus: string;
  transaction?: string;
  sender?: number;
  session_id?: number;
  data?: { id?: number };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  error?: { code: number; reason: string };
}

const REQUEST_TIMEOUT_MS = 20_000;

export class JanusSession {
  readonly #pending = new Map<
    string,
    { resolve: (e: PluginEvent) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  readonly #listeners = new Map<number, (e: PluginEvent) => void>();
  #closed = false;

  private constructor(
    private readonly url: string,
    readonly id: number,
  ) {
    void this.#poll();
  }

  static async create(url: string): Promise<JanusSession> {
    const created = await post(url, { janus: 'create', transaction: randomUUID() });
    const id = created.data?.id;
    if (typeof id !== 'number') throw new Error(`janus create: ${describe(created)}`);
    return new JanusSession(url, id);
  }

  async attach(plugin: string, onEvent?: (e: PluginEvent) => void): Promise<number> {
    const r = await post(`${this.url}/${this.id}`, {
      janus: 'attach',
      plugin,
      transaction: randomUUID(),
    });
    const handle = r.data?.id;
    if (typeof handle !== 'number') throw new Error(`janus attach: ${describe(r)}`);
    if (onEvent) this.#listeners.set(handle, onEvent);
    return handle;
  }

  /** A plugin request answered synchronously (e.g. VideoRoom `create`). */
  async request(handle: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await post(`${this.url}/${this.id}/${handle}`, {
      janus: 'message',
      body,
      transaction: randomUUID(),
    });
    const data = r.plugindata?.data;
    if (r.janus !== 'success' || !data)
      throw new Error(`janus ${String(body.request)}: ${describe(r)}`);
    if (typeof data.error === 'string')
      throw new Error(`janus ${String(body.request)}: ${data.error}`);
    return data;
  }

  /** A plugin request answered later by an event with the same transaction (join, publish, start). */
  async message(handle: number, body: Record<string, unknown>, jsep?: Jsep): Promise<PluginEvent> {
    const transaction = randomUUID();
    const answer = new Promise<PluginEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new Error(`janus ${String(body.request)}: no event in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(transaction, { resolve, reject, timer });
    });
    const ack = await post(`${this.url}/${this.id}/${handle}`, {
      janus: 'message',
      body,
      transaction,
      ...(jsep ? { jsep } : {}),
    });
    if (ack.janus !== 'ack' && ack.janus !== 'success') {
      this.#settle(transaction, new Error(`janus ${String(body.request)}: ${describe(ack)}`));
    }
    const event = await answer;
    if (typeof event.data.error === 'string') {
      throw new Error(`janus ${String(body.request)}: ${event.data.error}`);
    }
    return event;
  }

  async #poll(): Promise<void> {
    while (!this.#closed) {
      let events: JanusMessage[];
      try {
        const res = await fetch(`${this.url}/${this.id}?maxev=10&rid=${Date.now()}`);
        const body = (await res.json()) as JanusMessage | JanusMessage[];
        events = Array.isArray(body) ? body : [body];
      } catch (e) {
        if (this.#closed) return;
        for (const t of [...this.#pending.keys()]) this.#settle(t, e as Error);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const m of events) this.#dispatch(m);
    }
  }

  #dispatch(m: JanusMessage): void {
    if (m.janus !== 'event' || !m.plugindata) return;
    const event: PluginEvent = { data: m.plugindata.data, ...(m.jsep ? { jsep: m.jsep } : {}) };
    const pending = m.transaction ? this.#pending.get(m.transaction) : undefined;
    if (pending && m.transaction) {
      this.#pending.delete(m.transaction);
      clearTimeout(pending.timer);
      pending.resolve(event);
      return;
    }
    if (m.sender !== undefined) this.#listeners.get(m.sender)?.(event);
  }

  #settle(transaction: string, error: Error): void {
    const p = this.#pending.get(transaction);
    if (!p) return;
    this.#pending.delete(transaction);
    clearTimeout(p.timer);
    p.reject(error);
  }

  async destroy(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [...this.#pending.keys()]) this.#settle(t, new Error('session destroyed'));
    await post(`${this.url}/${this.id}`, { janus: 'destroy', transaction: randomUUID() }).catch(
      () => undefined,
    );
  }
}

async function post(url: string, body: Record<string, unknown>): Promise<JanusMessage> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return (await res.json()) as JanusMessage;
}

function describe(m: JanusMessage): string {
  return m.error ? `${m.error.code} ${m.error.reason}` : JSON.stringify(m).slice(0, 200);
}
