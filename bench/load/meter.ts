/**
 * Counters of one load-generator process. Publishers report what they send, subscribers what they
 * receive; only packets whose embedded send time falls inside the measurement window count, so the
 * numbers of all processes add up without clock games.
 */
import { Histogram } from '../lib/stats';
import { nowNs, type Probe, StreamKind } from './probe';

export interface Window {
  startNs: bigint;
  endNs: bigint;
}

export interface MeterReport {
  sentVideo: number;
  sentAudio: number;
  /** packets sent in the window, per publisher index (video + audio) */
  sentByPublisher: Record<number, number>;
  receivedVideo: number;
  receivedAudio: number;
  /** every RTP datagram that reached a subscriber, by receive time in the window (cheap, exact) */
  rawRtp: number;
  /** raw RTP datagrams whose (SSRC, sequence number) had already arrived in the window */
  rawDuplicates: number;
  duplicates: number;
  /** received packets whose probe was not found (payload altered) */
  unreadable: number;
  latencyVideo: [number, number][];
  latencyAudio: [number, number][];
  /**
   * How late the window reached this process, ms (0: before it began). Late, its sends and
   * receipts at the window's start went uncounted while other processes counted theirs.
   */
  windowLateMs: number;
}

/** Participant indexes are below this (a room of the benchmarks has at most a few dozen). */
const MAX_INDEX = 1024;

function pairKey(subscriber: number, publisher: number): number {
  return subscriber * MAX_INDEX + publisher;
}

export class Meter {
  private window: Window | undefined;
  private sentVideo = 0;
  private sentAudio = 0;
  private sentByPublisher = new Map<number, number>();
  /** by pairKey × 2 + kind: the probe sequence numbers seen in the window */
  private seen = new Map<number, Set<number>>();
  private receivedVideo = 0;
  private receivedAudio = 0;
  private rawRtp = 0;
  private rawDuplicates = 0;
  private rawSeen = new Map<number, Set<number>>();
  private duplicates = 0;
  private unreadable = 0;
  private latencyVideo = new Histogram();
  private latencyAudio = new Histogram();
  private windowLateMs = 0;
  /** subscriber>publisher pairs (pairKey) that have received at least one video packet, ever */
  readonly #flowing = new Set<number>();

  startWindow(w: Window): void {
    this.window = w;
    this.windowLateMs = Math.max(0, Number(nowNs() - w.startNs) / 1e6);
    this.sentVideo = 0;
    this.sentAudio = 0;
    this.sentByPublisher.clear();
    this.seen.clear();
    this.receivedVideo = 0;
    this.receivedAudio = 0;
    this.rawRtp = 0;
    this.rawDuplicates = 0;
    this.rawSeen.clear();
    this.duplicates = 0;
    this.unreadable = 0;
    this.latencyVideo = new Histogram();
    this.latencyAudio = new Histogram();
  }

  private inWindow(ns: bigint): boolean {
    return this.window !== undefined && ns >= this.window.startNs && ns < this.window.endNs;
  }

  onSent(publisher: number, kind: StreamKind, sentNs: bigint): void {
    if (!this.inWindow(sentNs)) return;
    if (kind === StreamKind.Video) this.sentVideo++;
    else this.sentAudio++;
    this.sentByPublisher.set(publisher, (this.sentByPublisher.get(publisher) ?? 0) + 1);
  }

  onRawRtp(receivedNs: bigint, ssrc: number, seq: number): void {
    if (!this.inWindow(receivedNs)) return;
    this.rawRtp++;
    let seen = this.rawSeen.get(ssrc);
    if (!seen) {
      seen = new Set();
      this.rawSeen.set(ssrc, seen);
    }
    if (seen.has(seq)) this.rawDuplicates++;
    else seen.add(seq);
  }

  onReceived(subscriber: number, probe: Probe | undefined, receivedNs: bigint): void {
    if (!probe) {
      this.unreadable++;
      return;
    }
    // Number keys: a string built per received packet was a measurable part of the load
    // generator's cost at 28,800 packets/s (room16).
    const pair = pairKey(subscriber, probe.publisher);
    if (probe.kind === StreamKind.Video) this.#flowing.add(pair);
    if (!this.inWindow(probe.sentNs)) return;
    const key = pair * 2 + (probe.kind === StreamKind.Video ? 0 : 1);
    let set = this.seen.get(key);
    if (!set) {
      set = new Set();
      this.seen.set(key, set);
    }
    if (set.has(probe.seq)) {
      this.duplicates++;
      return;
    }
    set.add(probe.seq);
    const ms = Number(receivedNs - probe.sentNs) / 1e6;
    if (probe.kind === StreamKind.Video) {
      this.receivedVideo++;
      this.latencyVideo.add(ms);
    } else {
      this.receivedAudio++;
      this.latencyAudio.add(ms);
    }
  }

  /** How many subscriber>publisher pairs have had video. */
  get flowingCount(): number {
    return this.#flowing.size;
  }

  /** Those pairs as "subscriber>publisher" (participant indexes). */
  flowingPairs(): string[] {
    return [...this.#flowing].map((k) => `${Math.floor(k / MAX_INDEX)}>${k % MAX_INDEX}`);
  }

  report(): MeterReport {
    return {
      sentVideo: this.sentVideo,
      sentAudio: this.sentAudio,
      sentByPublisher: Object.fromEntries(this.sentByPublisher),
      receivedVideo: this.receivedVideo,
      receivedAudio: this.receivedAudio,
      rawRtp: this.rawRtp,
      rawDuplicates: this.rawDuplicates,
      duplicates: this.duplicates,
      unreadable: this.unreadable,
      latencyVideo: this.latencyVideo.toSparse(),
      latencyAudio: this.latencyAudio.toSparse(),
      windowLateMs: this.windowLateMs,
    };
  }
}
