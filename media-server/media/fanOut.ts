import { availableParallelism, constants } from 'node:os';
import type { Engagement } from './fanOutEngage';
import { LoadEngagement } from './fanOutEngage';
import type { FanOutStats, NativeAddon, NativeSender, SenderStats } from './native';
import { native } from './native';
import type { SrtpKeys } from './SrtpWriter';

/**
 * `MEDIA_WORKERS`: how many threads protect and send forwarded packets (native/src/fanout.c).
 * Default: one per core (`os.availableParallelism()`); `0` keeps everything on the JS thread.
 * They take packets only while the JS thread is busy (fanOutEngage.ts), so a small room forwards
 * on the JS thread as with `0`, and a room whose forwarding needs more than one core gets the
 * second. Without the addon there are none either way (the JS path).
 *
 * Session 8 turned them off by default after `e2e/layout.spec.ts`'s speaker test failed once
 * with them on in a fresh-clone CI; no delivery fault of theirs was found (a failing run's
 * `senderStats`: queued = sent, none dropped; the same audio levels with and without them).
 * Session 11 left them off after one N = 16 set-up in which the media server stopped answering;
 * session 12 took out the one place the JS thread waited for a thread (see FanOut).
 */
export function forwardingThreads(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const raw = env['MEDIA_WORKERS']?.trim();
  if (raw === undefined || raw === '') return Math.min(64, availableParallelism());
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new Error(`MEDIA_WORKERS must be an integer from 0 to 64, not "${raw}"`);
  }
  return n;
}

/**
 * `MEDIA_WORKERS_ENGAGE`: when the threads take packets. `load` (default): while the JS thread
 * is busy (fanOutEngage.ts). `always`: every packet (tests and benchmarks of the threads
 * themselves, and browser tests of a small room on them).
 */
export function engagementOf(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Engagement {
  const raw = env['MEDIA_WORKERS_ENGAGE']?.trim() ?? '';
  if (raw === 'always') return ALWAYS;
  if (raw === '' || raw === 'load') return new LoadEngagement();
  throw new Error(`MEDIA_WORKERS_ENGAGE must be "load" or "always", not "${raw}"`);
}

/** The threads take every packet. */
export const ALWAYS: Engagement = { engaged: true };

/**
 * The JS side of the forwarding threads. A packet queued here is sent in the order queued
 * (per sender: one subscriber stream on one socket, NACK retransmissions included) by the
 * sender's thread; staged packets go to the threads at the end of this event-loop turn
 * (setImmediate: after the poll phase that received them), so one sendmmsg carries each
 * subscriber's packets of that turn, or sooner when a thread's batch fills.
 *
 * `engaged` says whether a stream's next packet goes to a thread or to the JS thread's own send
 * (SrtpWriter.send); a stream that changes paths calls `handOver` or `takeBack` first, so that
 * no packet of it overtakes another across the switch. The SRTP state does not move: the JS
 * thread numbers every packet and computes its ROC, and both paths protect with the same keys.
 *
 * The JS thread never waits for a thread (issue 15, session 12): a stream leaves its thread only
 * once the thread is done with it (`takeBack` says whether it is; until then its packets keep
 * queueing behind the others), and a thread that has had work and finished none of it for
 * 500 ms (descheduled on a busy machine, or worse) refuses packets (`STUCK`), which the JS thread
 * then sends itself.
 */
export class FanOut {
  readonly threads: number;
  readonly #addon: NativeAddon;
  readonly #engagement: Engagement;
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    this.#addon.flush();
  };

  /** `engagement`: when the threads take packets (engagementOf). */
  constructor(addon: NativeAddon, threads: number, engagement: Engagement) {
    this.#addon = addon;
    this.threads = addon.fanoutStart(threads);
    this.#engagement = engagement;
  }

  /** Whether the threads take packets now (read per packet: cheap). */
  get engaged(): boolean {
    return this.#engagement.engaged;
  }

  /**
   * A stream moves from the JS thread's send to a thread: what the JS thread staged in this
   * receive batch (send_batch.c, sent in the check phase) leaves now, before the thread's.
   */
  handOver(): void {
    this.#addon.sendBatchFlush();
  }

  /**
   * Whether a stream may move from its thread back to the JS thread's send now: its thread is
   * done with every packet of it (or is stuck). Never waits; not yet: keep queueing it there (in
   * order, behind what it holds), and ask again with the next packet.
   */
  takeBack(sender: NativeSender): boolean {
    return this.#addon.senderSettled(sender);
  }

  /** A sender with its own SRTP context (never shared with the JS thread's) on socket `fd`. */
  open(keys: SrtpKeys, fd: number): NativeSender {
    return this.#addon.senderOpen(
      keys.profile,
      keys.srtpSessionKey,
      keys.srtpSessionSalt,
      keys.srtpSessionAuthTag,
      fd,
    );
  }

  close(sender: NativeSender): void {
    this.#addon.senderClose(sender);
    this.#schedule();
  }

  /** The protected packet's length, or −errno (see NativeAddon.queue). */
  queue(
    sender: NativeSender,
    b1: number,
    seq: number,
    ts: number,
    ssrc: number,
    roc: number,
    payload: Buffer,
  ): number {
    const n = this.#addon.queue(sender, b1, seq, ts, ssrc, roc, payload);
    this.#schedule();
    return n;
  }

  /** Sends everything queued and waits for it, up to `timeoutMs` (tests): whether it is sent. */
  drain(timeoutMs = 10_000): boolean {
    return this.#addon.drain(timeoutMs);
  }

  stats(): FanOutStats {
    return this.#addon.fanoutStats();
  }

  /** One sender's counters: where its packets went (diagnosis: queued but not sent, and why). */
  senderStats(sender: NativeSender): SenderStats {
    return this.#addon.senderStats(sender);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }
}

function start(): FanOut | null {
  const threads = forwardingThreads();
  if (!native || threads === 0) return null;
  const pool = new FanOut(native, threads, engagementOf());
  return pool.threads > 0 ? pool : null;
}

/** The process's forwarding threads, or null: RtpSink protects and sends on the JS thread. */
export const fanOut: FanOut | null = start();

/** −EMSGSIZE from queue: a payload too large for the threads' slots (none in practice). */
export const TOO_LARGE = -constants.errno.EMSGSIZE;

/** −EBUSY from queue: the sender's thread is stuck (see FanOut); send the packet yourself. */
export const STUCK = -constants.errno.EBUSY;
