/**
 * What one viewer's link carries, estimated from that viewer's own RTCP (issue 16). Chromium as a
 * receiver sends no REMB; it sends receiver reports for every stream (cumulative loss, highest
 * sequence number, jitter, LSR/DLSR) and NACKs for what it misses. This is the loss-based
 * controller of GCC (draft-ietf-rmcat-gcc-02, §6) over those reports:
 *
 * - loss > 10 %: rate × (1 − 0.5 · loss), from the rate actually sent to this viewer, at most once
 *   per 300 ms + RTT (a decrease shows in the reports one RTT later: without the wait one burst
 *   would be counted again by every report that still covers it);
 * - loss < 2 %: rate × 1.05 (and never below what the link just carried), capped by what is sent
 *   plus headroom: past 1.5 × the rate sent, without loss, the estimate knows nothing about the
 *   link (it was never asked for more) and stops being a limit. Without that the estimate of a
 *   healthy viewer would follow whatever the publisher happens to send (a small tile, a still
 *   scene) and then hold it down there through the median;
 * - in between: hold.
 *
 * Loss is counted before repair. This server retransmits on the media SSRC (no RTX), so a
 * receiver counts a repaired packet as received and its report shows what NACK could not fix;
 * GCC wants the link's loss (with RTX, libwebrtc's reports show exactly that). So the loss of a
 * window is the larger of the reports' loss and the share of packets NACKed for the first time.
 *
 * Reports are grouped into windows of at least 500 ms and 10 packets: Chromium adds a receiver
 * report to every NACK and PLI, and a report covering three packets says nothing. No timers: the
 * estimate moves only when a report arrives; the sink that owns it drops it with its transport.
 */

/** One report block about the stream we send (werift's RtcpReceiverInfo has these fields). */
export interface ReportBlock {
  /** Loss since the receiver's previous report, 0–255 (fraction × 256). */
  fractionLost: number;
  /**
   * Cumulative: expected − received (duplicates and repairs count as received), a signed 24-bit
   * field that werift hands over unsigned.
   */
  packetsLost: number;
  /** Highest sequence number received (extended or not: only differences are used, mod 2^16). */
  highestSequence: number;
  /** Interarrival jitter, in RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last sender report received (0: none yet). */
  lsr: number;
  /** Delay since that sender report, in 1/65536 s. */
  dlsr: number;
}

/** Cumulative totals of what was sent to this viewer (the endpoint's own counters). */
export interface SentTotals {
  packets: number;
  bytes: number;
}

/** The last sender report sent on this stream: its compact NTP timestamp and when it left. */
export interface LastSenderReport {
  compactNtp: number;
  sentAtMs: number;
}

export interface LinkSnapshot {
  /** The estimate the policy uses, in bps (0: no limit seen). */
  targetBps: number;
  /** Loss of the last window, before repair (0–1). */
  loss: number;
  /** Loss the receiver reported last (after repair, 0–1). */
  reportedLoss: number;
  /** Cumulative loss the receiver reported last. */
  packetsLost: number;
  rttMs: number | undefined;
  jitterMs: number;
}

const MIN_WINDOW_MS = 500;
const MIN_WINDOW_PACKETS = 10;
const DECREASE_LOSS = 0.1;
const INCREASE_LOSS = 0.02;
const INCREASE_FACTOR = 1.05;
const DECREASE_WAIT_MS = 300;
/** How far above the rate sent the estimate may claim to know the link (see above). */
export const HEADROOM = 1.5;
/** A published estimate moves only by more than this share (no REMB per report). */
export const PUBLISH_THRESHOLD = 0.1;
/** How far behind / ahead of the last report's highest sequence number a NACKed one may be. */
const NACK_BEHIND = 2048;
const NACK_AHEAD = 1024;
/** The lowest estimate, whatever the loss (Chromium's own floor is 30 kbps). */
const FLOOR_BPS = 30_000;

interface Window {
  atMs: number;
  highestSequence: number;
  packetsLost: number;
  sentPackets: number;
  sentBytes: number;
}

/**
 * RTT from a report block (RFC 3550 §6.4.1), against when our last sender report actually left:
 * the send path stamps a sender report's NTP time up to 32 packets before werift sends it, so
 * `arrival − LSR − DLSR` in NTP units would count that lag too. Undefined when the block does
 * not answer our last sender report.
 */
export function rttFromReport(
  block: Pick<ReportBlock, 'lsr' | 'dlsr'>,
  last: LastSenderReport | undefined,
  nowMs: number,
): number | undefined {
  if (!last || block.lsr === 0 || block.lsr !== last.compactNtp) return undefined;
  const rtt = nowMs - last.sentAtMs - (block.dlsr / 65536) * 1000;
  // DLSR has a resolution of 15 µs: on loopback the difference can come out a hair below zero.
  return Math.max(0, rtt);
}

export class LinkEstimator {
  readonly #clockRate: number;
  #window: Window | undefined;
  /** Packets NACKed for the first time since the window opened. */
  #nacked = 0;
  /** Newest sequence number NACKed so far (−1: none). */
  #nackNewest = -1;
  /** Highest sequence number of the last report (undefined: none yet). */
  #reference: number | undefined;
  /** The controller's estimate in bps; undefined while nothing limits the link. */
  #estimate: number | undefined;
  #published = 0;
  #lastDecreaseMs = -Infinity;
  #loss = 0;
  #reportedLoss = 0;
  #packetsLost = 0;
  #rttMs: number | undefined;
  #jitter = 0;

  constructor(clockRate = 90_000) {
    this.#clockRate = clockRate;
  }

  /**
   * A NACK from the viewer. A receiver asks again for what is still missing, so only sequence
   * numbers newer than every one asked for before count as new losses; and only near what the
   * viewer last reported receiving (a number from elsewhere would move "newest" around the
   * circle and have every loss counted again).
   */
  onNack(lost: readonly number[]): void {
    const ref = this.#reference;
    if (ref === undefined) return; // no window open: nothing to count it in
    const newest = this.#nackNewest;
    let max = newest;
    for (const seq of lost) {
      const d = (((seq - ref) & 0xffff) << 16) >> 16;
      if (d < -NACK_BEHIND || d > NACK_AHEAD) continue;
      if (newest >= 0 && !newer(seq, newest)) continue;
      this.#nacked++;
      if (max < 0 || newer(seq, max)) max = seq;
    }
    this.#nackNewest = max;
  }

  /**
   * A receiver report block for the stream sent to this viewer. Returns true when the published
   * estimate moved (by more than PUBLISH_THRESHOLD, or between "a limit" and "none").
   */
  onReport(
    block: ReportBlock,
    sent: SentTotals,
    nowMs: number,
    rttMs: number | undefined,
    floorBps = FLOOR_BPS,
  ): boolean {
    if (rttMs !== undefined) this.#rttMs = rttMs;
    this.#jitter = block.jitter;
    this.#reportedLoss = block.fractionLost / 256;
    this.#packetsLost = (block.packetsLost << 8) >> 8;
    this.#reference = block.highestSequence & 0xffff;
    const now: Window = {
      atMs: nowMs,
      highestSequence: block.highestSequence,
      packetsLost: block.packetsLost,
      sentPackets: sent.packets,
      sentBytes: sent.bytes,
    };
    const start = this.#window;
    if (!start) {
      this.#window = now;
      this.#nacked = 0;
      return false;
    }
    const elapsed = nowMs - start.atMs;
    const expected = (now.highestSequence - start.highestSequence) & 0xffff;
    const sentPackets = now.sentPackets - start.sentPackets;
    // More than a sequence-number cycle since the window opened: its differences mean nothing.
    if (elapsed <= 0 || sentPackets > 0x8000) {
      this.#window = now;
      this.#nacked = 0;
      return false;
    }
    if (elapsed < MIN_WINDOW_MS || expected < MIN_WINDOW_PACKETS) return false;
    // Mod 2^24, signed: duplicates can make the count fall (−1 arrives as 0xffffff).
    const lostInWindow = ((now.packetsLost - start.packetsLost) << 8) >> 8;
    const reported = clamp01(lostInWindow / expected);
    const nacked = clamp01(this.#nacked / expected);
    const loss = Math.max(reported, nacked);
    const sentBps = ((now.sentBytes - start.sentBytes) * 8 * 1000) / elapsed;
    this.#window = now;
    this.#nacked = 0;
    this.#loss = loss;
    this.#control(loss, sentBps, nowMs, Math.max(floorBps, FLOOR_BPS));
    return this.#publish();
  }

  #control(loss: number, sentBps: number, nowMs: number, floor: number): void {
    if (loss > DECREASE_LOSS) {
      if (nowMs - this.#lastDecreaseMs < DECREASE_WAIT_MS + (this.#rttMs ?? 0)) return;
      this.#lastDecreaseMs = nowMs;
      const from = Math.min(this.#estimate ?? Infinity, sentBps);
      this.#estimate = Math.max(floor, from * (1 - 0.5 * loss));
      return;
    }
    if (loss >= INCREASE_LOSS || this.#estimate === undefined) return;
    const carried = sentBps * (1 - loss);
    const next = Math.max(this.#estimate * INCREASE_FACTOR, carried, floor);
    // Above what was sent plus headroom, without loss: the link was never asked for more.
    this.#estimate = next >= sentBps * HEADROOM ? undefined : next;
  }

  #publish(): boolean {
    const next = this.#estimate === undefined ? 0 : Math.round(this.#estimate);
    const prev = this.#published;
    const moved =
      (next === 0) !== (prev === 0) ||
      (prev > 0 && Math.abs(next - prev) > prev * PUBLISH_THRESHOLD);
    if (moved) this.#published = next;
    return moved;
  }

  /** The published estimate in kbps, as the REMB policy takes limits (0: no limit). */
  get kbps(): number {
    return this.#published === 0 ? 0 : Math.max(1, Math.round(this.#published / 1000));
  }

  snapshot(): LinkSnapshot {
    return {
      targetBps: this.#published,
      loss: this.#loss,
      reportedLoss: this.#reportedLoss,
      packetsLost: this.#packetsLost,
      rttMs: this.#rttMs,
      jitterMs: (this.#jitter / this.#clockRate) * 1000,
    };
  }
}

/** Whether sequence number `a` comes after `b` (RFC 3550 arithmetic, mod 2^16). */
function newer(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}

function clamp01(v: number): number {
  return v > 1 ? 1 : v > 0 ? v : 0;
}
