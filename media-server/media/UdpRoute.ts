import type dgram from 'node:dgram';

/** The parts of werift's UdpTransport (common/src/transport.js) this file touches. */
export interface WeriftUdpTransport {
  socket: dgram.Socket;
  send(data: Buffer, addr?: readonly [string, number]): Promise<void>;
}

type State = 'connecting' | 'connected' | 'off';

/** Datagrams held while the connect completes (one tick: a handful at most). */
const MAX_HELD = 64;

const routes = new WeakMap<dgram.Socket, UdpRoute>();

/**
 * Sends on an ICE socket whose remote is settled (the nominated pair) through a *connected*
 * socket. On Node 20 every unconnected `send(buf, port, address)` goes through `dns.lookup` and a
 * later tick (nodejs/node#39468), and the kernel routes every datagram anew; a connected socket
 * sends synchronously on a cached route. Measured here: about 2 µs of 8 per 1,000-byte datagram.
 *
 * werift sends on the same socket (STUN consent, RTCP) with an address, which a connected socket
 * refuses, so its transport's `send` is wrapped: to our remote it takes the connected path; to any
 * other address the socket is disconnected for good and everything goes the old way. A connected
 * socket also drops datagrams from other addresses: fine after nomination (the remote's media and
 * consent checks come from the nominated address), but a remote whose address changes mid-call
 * (NAT rebinding) is no longer heard. One route per socket: audio and video share it (bundle).
 */
export class UdpRoute {
  readonly #socket: dgram.Socket;
  readonly #host: string;
  readonly #port: number;
  #state: State = 'connecting';
  readonly #held: Buffer[] = [];
  /** Node's internal socket state: its `handle` is null from the moment `close()` is called. */
  readonly #handleState: { handle: { fd: number } | null } | undefined;

  /** The route of `transport`'s socket towards host:port (created, or retargeted, on demand). */
  static for(transport: WeriftUdpTransport, host: string, port: number): UdpRoute {
    const existing = routes.get(transport.socket);
    if (existing && existing.#host === host && existing.#port === port) return existing;
    // Re-nominated to another remote: leave the old connection, start over.
    if (existing) existing.#leave();
    const route = new UdpRoute(transport, host, port);
    routes.set(transport.socket, route);
    return route;
  }

  private constructor(transport: WeriftUdpTransport, host: string, port: number) {
    const socket = transport.socket;
    this.#socket = socket;
    this.#handleState = socketState(socket);
    this.#host = host;
    this.#port = port;
    const original = transport.send.bind(transport);
    transport.send = (data, addr) => {
      if (this.#state !== 'off' && routes.get(socket) === this) {
        if (!addr || (addr[1] === this.#port && addr[0] === this.#host)) {
          this.send(data);
          return Promise.resolve();
        }
        // Another destination (a STUN or TURN server, another candidate): unconnect for good.
        this.#leave();
      }
      return original(data, addr);
    };
    // A connected UDP socket reports the remote's ICMP port-unreachable (a viewer that went away)
    // as an ECONNREFUSED 'error' event, which would crash the process without a listener.
    socket.on('error', onSocketError);
    try {
      socket.connect(port, host, (err?: Error) => {
        if (this.#state !== 'connecting') this.#disconnect(); // left while connecting
        this.#settle(err || this.#state !== 'connecting' ? 'off' : 'connected');
      });
    } catch {
      // Already connected elsewhere or closed: keep sending with an address.
      this.#state = 'off';
    }
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /**
   * The socket's file descriptor while it is connected and open, else −1: the native path sends
   * on it directly (no libuv queue; a full socket buffer drops the datagram, as UDP does). Read
   * per packet, so a closed socket (whose fd number the OS may hand out again) is never used.
   */
  get fd(): number {
    if (this.#state !== 'connected') return -1;
    const handle = this.#handleState?.handle;
    return handle ? handle.fd : -1;
  }

  /** Sends one datagram to the route's remote; never throws (a closed socket drops it). */
  send(data: Buffer): void {
    if (this.#state === 'connected') {
      this.#socket.send(data);
    } else if (this.#state === 'connecting') {
      // libuv refuses an address on a socket that got connected meanwhile (UV_EISCONN, dropped
      // silently), and Node's connect completes a tick later: hold the few sent in between.
      if (this.#held.length < MAX_HELD) this.#held.push(data);
    } else {
      try {
        this.#socket.send(data, this.#port, this.#host);
      } catch {
        // closed, or still connected after a retarget: dropped, like a lost datagram
      }
    }
  }

  #settle(state: 'connected' | 'off'): void {
    this.#state = state;
    for (const d of this.#held.splice(0)) this.send(d);
  }

  #leave(): void {
    const was = this.#state;
    this.#state = 'off';
    if (was === 'connected') this.#disconnect();
    for (const d of this.#held.splice(0)) this.send(d);
  }

  #disconnect(): void {
    try {
      this.#socket.disconnect();
    } catch {
      // not connected, or closed meanwhile
    }
  }
}

/** dgram's `[Symbol('state symbol')]` (lib/internal/dgram.js), if this Node has it. */
function socketState(socket: dgram.Socket): { handle: { fd: number } | null } | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'state symbol');
  const state: unknown = key ? (socket as unknown as Record<symbol, unknown>)[key] : undefined;
  if (typeof state !== 'object' || state === null || !('handle' in state)) return undefined;
  const handle = state.handle;
  if (typeof handle !== 'object' || handle === null || !('fd' in handle)) return undefined;
  if (typeof handle.fd !== 'number' || handle.fd < 0) return undefined;
  return state as { handle: { fd: number } | null };
}

function onSocketError(this: dgram.Socket, err: Error): void {
  if ((err as { code?: unknown }).code === 'ECONNREFUSED') return;
  // Anything else stays as fatal as it was before this listener existed.
  if (this.listenerCount('error') === 1) throw err;
}
