import { constants } from 'node:os';
import type { FanOutStats, NativeAddon, NativeSender, SenderStats } from './native';
import { native } from './native';
import type { SrtpKeys } from './SrtpWriter';

/**
 * `MEDIA_WORKERS`: how many threads protect and send forwarded packets (native/src/fanout.c).
 * Default `0` (everything on the JS thread) until the threads are cleared of
 * `e2e/layout.spec.ts`'s speaker test failure (the stage did not move to a publisher who unmuted;
 * it passed with `MEDIA_WORKERS=0`). Session 8 did not find them at fault: in a failing run the
 * thread sent every packet of her audio to that viewer (`senderStats`: queued = sent, none
 * dropped or refused), and in passing runs the viewer decoded it at the same levels as with the
 * threads off; the test needs five 300 ms level polls in a row above 0.04 and the fake
 * microphone's beeps dip below that every few seconds either way. Set a number to use them: a
 * room whose forwarding needs more than one core then gets the second. Without the addon there
 * are none either way (the JS path).
 */
export function forwardingThreads(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const raw = env['MEDIA_WORKERS']?.trim();
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new Error(`MEDIA_WORKERS must be an integer from 0 to 64, not "${raw}"`);
  }
  return n;
}

/**
 * The JS side of the forwarding threads. A packet queued here is sent in the order queued
 * (per sender: one subscriber stream on one socket, NACK retransmissions included) by the
 * sender's thread; staged packets go to the threads at the end of this event-loop turn
 * (setImmediate: after the poll phase that received them), so one sendmmsg carries each
 * subscriber's packets of that turn, or sooner when a thread's batch fills.
 */
export class FanOut {
  readonly threads: number;
  readonly #addon: NativeAddon;
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    this.#addon.flush();
  };

  constructor(addon: NativeAddon, threads: number) {
    this.#addon = addon;
    this.threads = addon.fanoutStart(threads);
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

  /** Sends everything queued and waits for it (tests; the threads never hold anything long). */
  drain(): void {
    this.#addon.drain();
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
  const pool = new FanOut(native, threads);
  return pool.threads > 0 ? pool : null;
}

/** The process's forwarding threads, or null: RtpSink protects and sends on the JS thread. */
export const fanOut: FanOut | null = start();

/** −EMSGSIZE from queue: a payload too large for the threads' slots (none in practice). */
export const TOO_LARGE = -constants.errno.EMSGSIZE;
