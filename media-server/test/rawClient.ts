import { WebSocket } from 'ws';

export interface RpcReply {
  jsonrpc: '2.0';
  id: number | string | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: { type: string } };
}

export interface RpcEvent {
  method: 'onEvent';
  params: { value: { type: string; object: string; data: Record<string, unknown> } };
}

/** A bare JSON-RPC client, for frames kurento-client would never send. */
export class RawClient {
  readonly ws: WebSocket;
  readonly events: RpcEvent[] = [];
  #next = 0;
  readonly #waiting = new Map<number | string | null, (r: RpcReply) => void>();
  readonly #eventWaiters: { pred: (e: RpcEvent) => boolean; resolve: (e: RpcEvent) => void }[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as RpcReply | RpcEvent;
      if ('method' in msg) {
        this.events.push(msg);
        for (const w of [...this.#eventWaiters]) {
          if (w.pred(msg)) {
            this.#eventWaiters.splice(this.#eventWaiters.indexOf(w), 1);
            w.resolve(msg);
          }
        }
        return;
      }
      const cb = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      cb?.(msg);
    });
  }

  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, params?: Record<string, unknown>): Promise<RpcReply> {
    const id = this.#next++;
    return this.sendRaw(JSON.stringify({ jsonrpc: '2.0', method, params, id }), id);
  }

  /** Sends any text; resolves with the reply carrying `replyId` (null for unparseable frames). */
  sendRaw(text: string, replyId: number | string | null): Promise<RpcReply> {
    return new Promise((resolve) => {
      this.#waiting.set(replyId, resolve);
      this.ws.send(text);
    });
  }

  waitEvent(pred: (e: RpcEvent) => boolean): Promise<RpcEvent> {
    const hit = this.events.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.#eventWaiters.push({ pred, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) {
        resolve();
        return;
      }
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
