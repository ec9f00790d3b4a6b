import dgram from 'node:dgram';
import { native } from './native';

/** A receiver in the addon (native/src/recv.c): a poll on a copy of one socket's fd. */
export interface NativeReceiver {
  readonly __brand: 'NativeReceiver';
}

/** The receiving half of the addon; an addon built before it has none (Node keeps reading). */
export interface ReceiveAddon {
  recvOpen(
    fd: number,
    handler: (data: Buffer, address: string, port: number) => void,
  ): NativeReceiver;
  /** No datagram is handed over after this, and the fd copy is closed. */
  recvClose(receiver: NativeReceiver): void;
  /**
   * Since the thread first read: recvmmsg calls that returned datagrams, the datagrams, the
   * packets sent staged during batches (send_batch.c) and the sendmmsg calls that sent them.
   * A staged packet the kernel then refused (ECONNREFUSED: the remote is gone) counts in
   * `batchRefused`, one lost to a full or closed socket in `batchDropped`, neither in
   * `batchedSends` (the staging `send` returned its length before the kernel saw it).
   */
  recvStats(): {
    batches: number;
    datagrams: number;
    batchedSends: number;
    sendCalls: number;
    batchRefused: number;
    batchDropped: number;
  };
}

export function receiveAddonOf(addon: unknown): ReceiveAddon | null {
  if (typeof addon !== 'object' || addon === null) return null;
  const a = addon as Record<string, unknown>;
  const ok = ['recvOpen', 'recvClose', 'recvStats'].every((k) => typeof a[k] === 'function');
  return ok ? (addon as ReceiveAddon) : null;
}

/** dgram's internal handle (lib/internal/dgram.js `[Symbol('state symbol')]`). */
interface UdpHandle {
  fd: number;
  recvStop(): number;
}

function udpHandle(socket: dgram.Socket): UdpHandle | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'state symbol');
  const state: unknown = key ? (socket as unknown as Record<symbol, unknown>)[key] : undefined;
  if (typeof state !== 'object' || state === null || !('handle' in state)) return undefined;
  const handle = state.handle as Partial<UdpHandle> | null;
  if (!handle || typeof handle.fd !== 'number' || typeof handle.recvStop !== 'function') {
    return undefined;
  }
  return handle as UdpHandle;
}

/** The fd of a bound UDP socket (−1 when closed or not a socket Node exposes). */
export function socketFd(socket: dgram.Socket): number {
  return udpHandle(socket)?.fd ?? -1;
}

const taken = new WeakSet<dgram.Socket>();
/** The addon's receiver of each socket it reads, while it reads it (nativeRoute.ts). */
const receivers = new WeakMap<dgram.Socket, NativeReceiver>();
const closing = new WeakMap<NativeReceiver, () => void>();

/** Runs `fn` before `receiver` closes (its routes' state is read back while it exists). */
export function beforeReceiverClose(receiver: NativeReceiver, fn: () => void): void {
  closing.set(receiver, fn);
}

/**
 * Moves the reading of `socket` into the addon: every datagram still reaches the socket's
 * 'message' listeners (werift's transport, and through it ICE, DTLS, SRTP, fastDatagram.ts), with
 * the same buffer and address info, but a wake-up reads all that is queued with one recvmmsg and
 * enters JavaScript once, where Node's dgram makes a 64 KiB buffer, an address object and a full
 * callback per datagram and reads once more for EAGAIN (recv.c; issue 15: at N = 2 the media
 * server's cost is per wake-up and per datagram, not per byte). `MEDIA_NATIVE_RECV=off` keeps
 * Node's reading. False when it stays with Node (no addon, or not a bound UDP socket).
 */
export function receiveInAddon(
  socket: dgram.Socket,
  addon: ReceiveAddon | null = receiveAddonOf(native),
  transport?: WeriftTransport,
): boolean {
  if (!addon || taken.has(socket) || process.env['MEDIA_NATIVE_RECV'] === 'off') return false;
  const handle = udpHandle(socket);
  if (!handle || handle.fd < 0) return false;
  // One source per connection: its address info is made once, not per datagram.
  let from: readonly [string, number] = ['', -1];
  let info: dgram.RemoteInfo | undefined;
  const deliver = (data: Buffer, address: string, port: number): void => {
    if (address !== from[0] || port !== from[1] || !info) {
      from = [address, port];
      info = { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port, size: 0 };
    }
    // werift's listener alone (the usual case): straight to its handler, as that listener
    // would call it; anyone else listening gets the event itself.
    if (transport && socket.listenerCount('message') === 1) {
      transport.rinfo = info;
      try {
        transport.onData(data, from);
      } catch {
        // werift's listener logs "onData error" and goes on with the next datagram
      }
      return;
    }
    socket.emit('message', data, { ...info, size: data.length });
  };
  let receiver: NativeReceiver;
  try {
    receiver = addon.recvOpen(handle.fd, deliver);
  } catch {
    return false;
  }
  // Both read until here: each datagram goes to one of them, none twice.
  if (handle.recvStop() !== 0) {
    addon.recvClose(receiver);
    return false;
  }
  taken.add(socket);
  receivers.set(socket, receiver);
  let open = true;
  const stop = (): void => {
    if (!open) return;
    open = false;
    receivers.delete(socket);
    closing.get(receiver)?.();
    closing.delete(receiver);
    addon.recvClose(receiver);
  };
  // Before Node closes the fd: the poll must not outlive it.
  const close = socket.close.bind(socket);
  socket.close = ((callback?: () => void) => {
    stop();
    return close(callback);
  }) as typeof socket.close;
  socket.once('close', stop);
  return true;
}

/** werift's UdpTransport (common/src/transport.js): what its 'message' listener does. */
export interface WeriftTransport {
  socket?: unknown;
  rinfo?: unknown;
  onData(data: Buffer, addr: readonly [string, number]): void;
}

interface DtlsShape {
  iceTransport?: { connection?: { nominated?: { protocol?: { transport?: WeriftTransport } } } };
}

/** The addon's receiver of a DTLS transport's nominated pair's socket, while it reads it. */
export function nominatedReceiver(dtls: unknown): NativeReceiver | undefined {
  const socket = (dtls as DtlsShape).iceTransport?.connection?.nominated?.protocol?.transport
    ?.socket;
  return socket instanceof dgram.Socket ? receivers.get(socket) : undefined;
}

/** receiveInAddon for the socket of a connected DTLS transport's nominated pair. */
export function receiveNominatedInAddon(dtls: unknown): boolean {
  const transport = (dtls as DtlsShape).iceTransport?.connection?.nominated?.protocol?.transport;
  const socket = transport?.socket;
  if (!(socket instanceof dgram.Socket) || typeof transport?.onData !== 'function') return false;
  return receiveInAddon(socket, receiveAddonOf(native), transport);
}
