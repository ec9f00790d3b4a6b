import dgram from 'node:dgram';
import { native } from './native';

/** A receiver in the addon (native/src/recv.c): a poll on a copy of one socket's fd. */
export interface NativeReceiver {
  readonly __brand: 'NativeReceiver';
}

/** The receiving half of the addon; an addon built before it has none (Node keeps reading). */
export interface ReceiveAddon {
  /** `coalesceUs`: how long the first read after an idle spell waits for the rest of a burst. */
  recvOpen(
    fd: number,
    handler: (data: Buffer, address: string, port: number) => void,
    coalesceUs: number,
  ): NativeReceiver;
  /** No datagram is handed over after this, and the fd copy is closed. */
  recvClose(receiver: NativeReceiver): void;
  /**
   * Since the thread first read: recvmmsg calls that returned datagrams, the datagrams, the
   * packets sent staged during batches (send_batch.c) and the sendmmsg calls that sent them.
   */
  recvStats(): { batches: number; datagrams: number; batchedSends: number; sendCalls: number };
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

/** `MEDIA_RECV_COALESCE_US` (0–100000, default 0): see ReceiveAddon.recvOpen. */
export function coalesceMicros(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const raw = env['MEDIA_RECV_COALESCE_US']?.trim();
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) {
    throw new Error(`MEDIA_RECV_COALESCE_US must be an integer from 0 to 100000, not "${raw}"`);
  }
  return n;
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
): boolean {
  if (!addon || taken.has(socket) || process.env['MEDIA_NATIVE_RECV'] === 'off') return false;
  const handle = udpHandle(socket);
  if (!handle || handle.fd < 0) return false;
  let receiver: NativeReceiver;
  try {
    receiver = addon.recvOpen(
      handle.fd,
      (data, address, port) => {
        const family = address.includes(':') ? 'IPv6' : 'IPv4';
        socket.emit('message', data, { address, family, port, size: data.length });
      },
      coalesceMicros(),
    );
  } catch {
    return false;
  }
  // Both read until here: each datagram goes to one of them, none twice.
  if (handle.recvStop() !== 0) {
    addon.recvClose(receiver);
    return false;
  }
  taken.add(socket);
  let open = true;
  const stop = (): void => {
    if (!open) return;
    open = false;
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

interface DtlsShape {
  iceTransport?: {
    connection?: { nominated?: { protocol?: { transport?: { socket?: unknown } } } };
  };
}

/** receiveInAddon for the socket of a connected DTLS transport's nominated pair. */
export function receiveNominatedInAddon(dtls: unknown): boolean {
  const socket = (dtls as DtlsShape).iceTransport?.connection?.nominated?.protocol?.transport
    ?.socket;
  return socket instanceof dgram.Socket && receiveInAddon(socket);
}
