import type { MediaKind } from './codecs';
import type { Counters } from './counters';
import { beat, beatsOf } from './beat';

export type FlowState = 'FLOWING' | 'NOT_FLOWING';
export type FlowDir = 'in' | 'out';

/** Slots of a monitor's per-(direction, kind) state. */
const SLOTS: readonly (readonly [FlowDir, MediaKind])[] = [
  ['in', 'audio'],
  ['in', 'video'],
  ['out', 'audio'],
  ['out', 'video'],
];

function slot(dir: FlowDir, kind: MediaKind): number {
  return (dir === 'in' ? 0 : 2) + (kind === 'audio' ? 0 : 1);
}

/**
 * Monitors started with the same period are checked together, on the process's one beat
 * (beat.ts): one wake-up of the process per period for all endpoints instead of one per endpoint
 * (a room of 8 has 64 endpoints, 128 wake-ups a second at 500 ms each, none of them aligned;
 * issue 15's fixed per-connection cost), shared with the RTCP reports and the route checks.
 */
class SharedTicker {
  readonly #monitors = new Set<FlowMonitor>();
  readonly #beats: number;
  readonly #onBeat = (): number => {
    for (const monitor of this.#monitors) monitor.check();
    return this.#monitors.size > 0 ? this.#beats : 0;
  };

  constructor(periodMs: number) {
    this.#beats = beatsOf(periodMs);
  }

  add(m: FlowMonitor): void {
    this.#monitors.add(m);
    if (!beat.has(this)) beat.add(this, this.#beats, this.#onBeat);
  }

  delete(m: FlowMonitor): void {
    this.#monitors.delete(m);
    if (this.#monitors.size === 0) beat.delete(this);
  }

  has(m: FlowMonitor): boolean {
    return this.#monitors.has(m);
  }
}

const tickers = new Map<number, SharedTicker>();

function tickerFor(periodMs: number): SharedTicker {
  let t = tickers.get(periodMs);
  if (!t) {
    t = new SharedTicker(periodMs);
    tickers.set(periodMs, t);
  }
  return t;
}

/**
 * Turns packet counters into KMS's MediaFlowIn/OutStateChanged: FLOWING as soon as a check sees new
 * packets, NOT_FLOWING after `idleChecks` checks without any. Checked on the process's beat, together
 * with every monitor of the same period (SharedTicker), from when its transport connects until release.
 */
export class FlowMonitor {
  readonly #state: FlowState[] = ['NOT_FLOWING', 'NOT_FLOWING', 'NOT_FLOWING', 'NOT_FLOWING'];
  readonly #last = [0, 0, 0, 0];
  readonly #idle = [0, 0, 0, 0];
  readonly #ticker: SharedTicker;

  constructor(
    private readonly counters: Counters,
    private readonly onChange: (dir: FlowDir, kind: MediaKind, state: FlowState) => void,
    periodMs = 500,
    private readonly idleChecks = 4,
  ) {
    this.#ticker = tickerFor(periodMs);
  }

  start(): void {
    this.#ticker.add(this);
  }

  state(dir: FlowDir, kind: MediaKind): FlowState {
    return this.#state[slot(dir, kind)] ?? 'NOT_FLOWING';
  }

  /** Also called on the first packet, so FLOWING is reported without waiting for the timer. */
  check(): void {
    const { audio, video } = this.counters;
    this.#update(0, audio.packetsIn);
    this.#update(1, video.packetsIn);
    this.#update(2, audio.packetsOut);
    this.#update(3, video.packetsOut);
  }

  #update(i: number, packets: number): void {
    const moved = packets !== this.#last[i];
    this.#last[i] = packets;
    const prev = this.#state[i];
    if (moved) {
      this.#idle[i] = 0;
      if (prev !== 'FLOWING') this.#set(i, 'FLOWING');
      return;
    }
    const idle = (this.#idle[i] ?? 0) + 1;
    this.#idle[i] = idle;
    if (prev === 'FLOWING' && idle >= this.idleChecks) this.#set(i, 'NOT_FLOWING');
  }

  #set(i: number, state: FlowState): void {
    this.#state[i] = state;
    const s = SLOTS[i];
    if (s) this.onChange(s[0], s[1], state);
  }

  get running(): boolean {
    return this.#ticker.has(this);
  }

  stop(): void {
    this.#ticker.delete(this);
  }
}
