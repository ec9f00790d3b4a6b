import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

/** What a `socket.use` middleware gets: the packet (`[event, ...args]`) and the continuation. */
type Middleware = (packet: unknown[], next: (error?: Error) => void) => void;

export interface VirtualSocketOptions {
  /** The link id: unique across the cluster, also this socket's `id`. */
  id: string;
  /** The browser's address and handshake headers, as the edge saw them. */
  request: { remoteAddress: string; headers: Record<string, string | string[]> };
  /** An event for the browser (relayed to the edge). */
  send(event: string, args: unknown[]): void;
  /** The server ends the connection (`socket.disconnect(true)`): the edge drops the browser's. */
  kick(): void;
}

/**
 * The part of a Socket.IO server socket that Moim's per-socket code uses (`on`, `once`, `off`,
 * `use`, `emit`, `disconnect`, `connected`, `id`, `request`, `handshake`, `data`), for a
 * browser whose socket is on another instance (the edge). The room's owner runs the very same
 * `io.on('connection')` listeners on it as on a real socket, so every request and event, also
 * those added after this was written, is served by the code that serves local sockets: the
 * edge forwards packets by name, and everything `emit`ted here goes back by name.
 *
 * Not a Socket.IO socket: no rooms (`join`, `to`), no server-to-client acknowledgements. Moim's
 * signaling uses neither (docs/TEAM.md, contract 3: events go through `SignalingSession` and
 * `RoomMember`, never `io.to(...)`).
 */
export class VirtualSocket {
  readonly id: string;
  readonly request: IncomingMessage;
  readonly handshake: { address: string; headers: Record<string, string | string[]> };
  readonly data: Record<string, unknown> = {};
  readonly #listeners = new EventEmitter();
  readonly #middlewares: Middleware[] = [];
  readonly #options: VirtualSocketOptions;
  #connected = true;

  constructor(options: VirtualSocketOptions) {
    this.#options = options;
    this.id = options.id;
    // The abuse guard reads only these two of the handshake request (server/limits/address.ts).
    this.request = {
      headers: options.request.headers,
      socket: { remoteAddress: options.request.remoteAddress },
    } as unknown as IncomingMessage;
    this.handshake = {
      address: options.request.remoteAddress,
      headers: options.request.headers,
    };
    // Listeners that throw are the handlers' bugs; like Socket.IO, keep them from escaping.
    this.#listeners.on('error', () => undefined);
  }

  get connected(): boolean {
    return this.#connected;
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.#listeners.on(event, listener);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.#listeners.once(event, listener);
    return this;
  }

  off(event: string, listener: (...args: unknown[]) => void): this {
    this.#listeners.off(event, listener);
    return this;
  }

  removeListener(event: string, listener: (...args: unknown[]) => void): this {
    return this.off(event, listener);
  }

  use(middleware: Middleware): this {
    this.#middlewares.push(middleware);
    return this;
  }

  /** An event for the browser. */
  emit(event: string, ...args: unknown[]): boolean {
    if (!this.#connected) return false;
    if (args.some((arg) => typeof arg === 'function')) {
      throw new Error(`${event}: acknowledgements from the server are not relayed`);
    }
    this.#options.send(event, args);
    return true;
  }

  /** The server ends the connection. */
  disconnect(close?: boolean): this {
    void close;
    if (!this.#connected) return this;
    this.#options.kick();
    this.end('server namespace disconnect');
    return this;
  }

  /** A packet from the browser: through the middlewares (in order), then to the listeners. */
  dispatch(event: string, args: unknown[]): void {
    if (!this.#connected) return;
    const packet: unknown[] = [event, ...args];
    const run = (index: number): void => {
      const middleware = this.#middlewares[index];
      if (!middleware) {
        const [name, ...rest] = packet as [string, ...unknown[]];
        this.#listeners.emit(name, ...rest);
        return;
      }
      let called = false;
      middleware(packet, (error) => {
        if (called || error || !this.#connected) return;
        called = true;
        run(index + 1);
      });
    };
    run(0);
  }

  /** The connection is over (the browser's socket closed, or its edge died): 'disconnect'. */
  end(reason: string): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#listeners.emit('disconnect', reason);
    this.#listeners.removeAllListeners();
    this.#middlewares.length = 0;
  }
}
