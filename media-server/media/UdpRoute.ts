import type dgram from 'node:dgram';
import { bindIcePortsByNumber } from './lockedPort';
import { beat } from './beat';

// A route disconnects its socket (silent remote, retarget, werift sending elsewhere): the port
// must survive that.
bindIcePortsByNumber();

/** The parts of werift's UdpTransport (common/src/transport.js) this file touches. */
export interface WeriftUdpTransport {
  socket: dgram.Socket;
  send(data: Buffer, addr?: readonly [string, number]): Promise<void>;
}

/** `listening`: unconnected while the remote is silent, connected again when it is heard. */
type State = 'connecting' | 'connected' | 'listening' | 'off';

/** Datagrams held while the connect completes (one tick: a handful at most). */
const MAX_HELD = 64;
/**
 * Nothing heard from the remote for this long: unconnect, so checks from a new address reach ICE.
 * A Chromium viewer sends RTCP about every second (0.5–1.5 s) and a STUN check every 2.5 s.
 */
export const SILENT_MS = 1500;

const routes = new WeakMap<dgram.Socket, UdpRoute>();

/**
 * Sends on an ICE socket whose remote is settled (the nominated pair) through a *connected*
 * socket. On Node 20 every unconnected `send(buf, port, address)` goes through `dns.lookup` and a
 * later tick (nodejs/node#39468), and the kernel routes every datagram anew; a connected socket
 * sends synchronously on a cached route. Measured here: about 2 µs of 8 per 1,000-byte datagram.
 *
 * werift sends on the same socket (STUN consent, RTCP) with an address, which a connected socket
 * refuses, so its transport's `send` is wrapped: to our remote it takes the connected path; to any
 * other address the socket is disconnected for good and everything goes the old way.
 *
 * A connected socket also drops what comes from any other address, so a browser whose address
 * changes mid-call (a phone leaving Wi-Fi, NAT rebinding) could not be heard checking its new
 * pair, and Chromium could not move the call there (issue 16: it took a full reconnect). So the
 * route watches what the pair receives (`heard`, read on the process's beat, nothing per
 * packet): silent for `SILENT_MS`, the socket is unconnected (`listening`) until the same remote
 * is heard again; a new address the browser nominates meanwhile is a new pair, hence a new route.
 * One route per socket: audio and video share it (bundle).
 */
export class UdpRoute {
  readonly #socket: dgram.Socket;
  readonly #host: string;
  readonly #port: number;
  readonly #heard: (() => number) | undefined;
  #heardCount = -1;
  #heardAt = performance.now();
  #state: State = 'connecting';
  readonly #held: Buffer[] = [];
  /** Node's internal socket state: its `handle` is null from the moment `close()` is called. */
  readonly #handleState: { handle: { fd: number } | null } | undefined;

  /**
   * The route of `transport`'s socket towards host:port (created, or retargeted, on demand).
   * `heard`: a count of what arrived from the remote (media, RTCP, checks); without it the socket
   * stays connected however long the remote is silent.
   */
  static for(
    transport: WeriftUdpTransport,
    host: string,
    port: number,
    heard?: () => number,
  ): UdpRoute {
    const existing = routes.get(transport.socket);
    if (existing && existing.#host === host && existing.#port === port) return existing;
    // Re-nominated to another remote: leave the old connection, start over.
    if (existing) existing.#leave();
    const route = new UdpRoute(transport, host, port, heard);
    routes.set(transport.socket, route);
    return route;
  }

  private constructor(
    transport: WeriftUdpTransport,
    host: string,
    port: number,
    heard: (() => number) | undefined,
  ) {
    const socket = transport.socket;
    this.#socket = socket;
    this.#handleState = socketState(socket);
    this.#host = host;
    this.#port = port;
    this.#heard = heard;
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
    this.#connect();
    // Every route's silence check on the process's beat, every 250 ms (only while routes exist).
    if (heard) beat.add(this, 1, () => (this.#watch() ? 1 : 0));
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /** The remote this route sends to (the nominated pair's), connected or not. */
  get remote(): { address: string; port: number } {
    return { address: this.#host, port: this.#port };
  }

  /** Unconnected because the remote went silent (sends go with an address meanwhile). */
  get listening(): boolean {
    return this.#state === 'listening';
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
      try {
        this.#socket.send(data);
      } catch {
        // closed (ERR_SOCKET_DGRAM_NOT_RUNNING): dropped, and the packet's other sinks still get it
      }
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

  #connect(): void {
    this.#state = 'connecting';
    try {
      this.#socket.connect(this.#port, this.#host, (err?: Error) => {
        if (this.#state !== 'connecting') this.#disconnect(); // left or silent while connecting
        if (this.#state === 'connecting') this.#settle(err ? 'off' : 'connected');
      });
    } catch {
      // Already connected elsewhere or closed: keep sending with an address.
      this.#state = 'off';
    }
  }

  /** On the beat: false once the route is replaced or its socket closed (the job ends). */
  #watch(): boolean {
    if (this.#state === 'off' || routes.get(this.#socket) !== this) return false;
    if (this.#handleState && this.#handleState.handle === null) return false;
    const count = this.#heard?.() ?? 0;
    const now = performance.now();
    if (count !== this.#heardCount) {
      this.#heardCount = count;
      this.#heardAt = now;
      if (this.#state === 'listening') this.#connect();
    } else if (this.#state === 'connected' && now - this.#heardAt >= SILENT_MS) {
      this.#disconnect();
      this.#state = 'listening';
    }
    return true;
  }

  #settle(state: 'connected' | 'off'): void {
    this.#state = state;
    for (const d of this.#held.splice(0)) this.send(d);
  }

  #leave(): void {
    const was = this.#state;
    this.#state = 'off';
    if (was === 'connected') this.#disconnect();
    beat.delete(this);
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
