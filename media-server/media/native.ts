import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An SRTP key context living in the addon (one direction of one session; freed by the GC). */
export interface NativeSrtpContext {
  readonly __brand: 'NativeSrtpContext';
}

/** One subscriber stream's sender on a forwarding thread (fanOut.ts; freed by the GC or close). */
export interface NativeSender {
  readonly __brand: 'NativeSender';
}

/** Counters of the forwarding threads since the process started. */
export interface FanOutStats {
  threads: number;
  /** datagrams sent, and their bytes */
  packets: number;
  bytes: number;
  /** sendmmsg calls (fewer than packets: one call carries a socket's packets of a batch) */
  syscalls: number;
  /** dropped on a full socket buffer, and failed sends (a remote gone: ECONNREFUSED) */
  dropped: number;
  errors: number;
  batches: number;
  /** packets refused because their thread was stuck (the JS thread sent them instead) */
  stuckRefused: number;
}

/** One sender's counters since it opened (fanout.c). */
export interface SenderStats {
  queued: number;
  sent: number;
  dropped: number;
  errors: number;
  lastErrno: number;
}

/**
 * The optional native fast path (native/src/moim_native.c, built by `node native/build.mjs`):
 * SRTP with one OpenSSL context per direction and precomputed HMAC states, and a send straight
 * to a connected UDP socket. Byte-identical to the JS path (native.test.ts). `b1` is the second
 * RTP header byte (marker bit | payload type).
 */
export interface NativeAddon {
  create(
    profile: number,
    encrypt: boolean,
    sessionKey: Buffer,
    sessionSalt: Buffer,
    authKey: Buffer,
  ): NativeSrtpContext;
  /** Writes header ‖ ciphertext ‖ tag into `out` (≥ 12 + payload + 16 bytes); its length. */
  protect(
    ctx: NativeSrtpContext,
    out: Buffer,
    b1: number,
    seq: number,
    ts: number,
    ssrc: number,
    roc: number,
    payload: Buffer,
  ): number;
  /** Protects and sends on the connected UDP socket `fd`; bytes sent or −errno. */
  send(
    ctx: NativeSrtpContext,
    fd: number,
    b1: number,
    seq: number,
    ts: number,
    ssrc: number,
    roc: number,
    payload: Buffer,
  ): number;
  /** Authenticates and decrypts in place; length of header ‖ plaintext, or −1 (bad tag). */
  unprotect(ctx: NativeSrtpContext, packet: Buffer, payloadOffset: number, roc: number): number;
  /**
   * SRTCP (a context made with the SRTCP session keys): writes the protected packet (E = 1,
   * `index` the 31-bit SRTCP index) into `out` (≥ packet + 20 bytes); its length.
   */
  rtcpProtect(ctx: NativeSrtpContext, out: Buffer, packet: Buffer, index: number): number;
  /** Authenticates and decrypts SRTCP in place; length of the plain compound packet, or −1. */
  rtcpUnprotect(ctx: NativeSrtpContext, packet: Buffer): number;
  /** Starts the forwarding threads once per process (fanout.c); how many run. */
  fanoutStart(threads: number): number;
  /** A sender with its own SRTP context on a dup() of the connected UDP socket `fd`. */
  senderOpen(
    profile: number,
    sessionKey: Buffer,
    sessionSalt: Buffer,
    authKey: Buffer,
    fd: number,
  ): NativeSender;
  /** What is queued is still sent; then the sender's thread closes its copy of the socket. */
  senderClose(sender: NativeSender): void;
  /**
   * Stages one packet for the sender's thread (sent in queue order); the protected packet's
   * length, or −errno (EMSGSIZE: larger than the threads take, send it synchronously; EBUSY: its
   * thread has had work and finished none of it for 500 ms, send it synchronously).
   */
  queue(
    sender: NativeSender,
    b1: number,
    seq: number,
    ts: number,
    ssrc: number,
    roc: number,
    payload: Buffer,
  ): number;
  /** Hands every staged packet to its thread. */
  flush(): void;
  /** flush, then waits up to `timeoutMs` until the threads have sent everything: whether they did. */
  drain(timeoutMs: number): boolean;
  /**
   * Whether the sender's thread is done with every packet queued for it (or is stuck); never
   * waits. Not yet: what it has staged goes to its thread now.
   */
  senderSettled(sender: NativeSender): boolean;
  /** Sends now what `send` staged during this receive batch (send_batch.c). */
  sendBatchFlush(): void;
  /** Tests: while on, the threads start no batch (a thread that gets no CPU). */
  fanoutHold(on: boolean): void;
  fanoutStats(): FanOutStats;
  /** One sender's counters (queued by JS; sent, dropped, failed by its thread; the last errno). */
  senderStats(sender: NativeSender): SenderStats;
}

const FILE = path.join('native', 'build', 'Release', 'moim_native.node');

/** The addon file: the nearest `native/build/Release` above this module (source tree or dist/). */
function addonPath(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = path.join(dir, FILE);
    if (existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  return undefined;
}

function isAddon(m: unknown): m is NativeAddon {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return [
    'create',
    'protect',
    'send',
    'unprotect',
    'rtcpProtect',
    'rtcpUnprotect',
    'fanoutStart',
    'senderOpen',
    'senderClose',
    'queue',
    'flush',
    'drain',
    'senderSettled',
    'sendBatchFlush',
    'fanoutHold',
    'fanoutStats',
    'senderStats',
  ].every((k) => typeof r[k] === 'function');
}

/** Why the addon is not in use (undefined when it is): for the startup log and benchmarks. */
export let nativeUnavailable: string | undefined;

/**
 * Loads the addon unless `MEDIA_NATIVE=off` (the benchmarks' "addon off" arm) or it was not
 * built; a load failure (another Node ABI, a missing symbol) falls back to JS too.
 */
export function loadNative(): NativeAddon | null {
  if (process.env['MEDIA_NATIVE'] === 'off') {
    nativeUnavailable = 'MEDIA_NATIVE=off';
    return null;
  }
  const file = addonPath();
  if (!file) {
    nativeUnavailable = 'not built (node native/build.mjs)';
    return null;
  }
  try {
    const m: unknown = createRequire(import.meta.url)(file);
    if (isAddon(m)) return m;
    nativeUnavailable = `${file} is not the expected addon`;
  } catch (e) {
    nativeUnavailable = `${file} did not load: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

/** The process-wide addon, or null: the JS path. */
export const native: NativeAddon | null = loadNative();
