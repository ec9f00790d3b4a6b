import type { MediaKind } from '../media/codecs';

interface Base {
  ssrc: number;
  rtpTs: number;
  at: number;
  paused: number;
}

/**
 * Puts each track's RTP timestamps on one recording timeline, so audio and video stay in sync:
 * a track's first frame is placed by the wall clock (time since `record`, pauses excluded), later
 * frames by their RTP timestamp from there. A new source (SSRC) is placed by the wall clock again.
 */
export class Timeline {
  #startedAt = 0;
  #pausedTotal = 0;
  #pausedAt: number | undefined;
  readonly #bases = new Map<MediaKind, Base>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    this.#startedAt = this.now();
  }

  pause(): void {
    this.#pausedAt ??= this.now();
  }

  resume(): void {
    if (this.#pausedAt === undefined) return;
    this.#pausedTotal += this.now() - this.#pausedAt;
    this.#pausedAt = undefined;
  }

  /** Seconds on the recording timeline for a frame with this RTP timestamp. */
  at(kind: MediaKind, ssrc: number, rtpTs: number, clockRate: number): number {
    let base = this.#bases.get(kind);
    if (!base || base.ssrc !== ssrc) {
      base = {
        ssrc,
        rtpTs,
        at: (this.now() - this.#startedAt - this.#pausedTotal) / 1000,
        paused: this.#pausedTotal,
      };
      this.#bases.set(kind, base);
    }
    const elapsed = ((rtpTs - base.rtpTs) >>> 0) / clockRate;
    // Timestamps that went backwards (reordering) come out as huge; the muxer drops them.
    return base.at + elapsed - (this.#pausedTotal - base.paused) / 1000;
  }
}
