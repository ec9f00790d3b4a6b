import type { MediaKind } from './codecs';
import type { Counters } from './counters';

export type FlowState = 'FLOWING' | 'NOT_FLOWING';
export type FlowDir = 'in' | 'out';

/**
 * Turns packet counters into KMS's MediaFlowIn/OutStateChanged: FLOWING as soon as a check sees new
 * packets, NOT_FLOWING after `idleChecks` checks without any. One timer per endpoint, started when
 * its transport connects and stopped on release.
 */
export class FlowMonitor {
  readonly #state = new Map<string, FlowState>();
  readonly #last = new Map<string, number>();
  readonly #idle = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: Counters,
    private readonly onChange: (dir: FlowDir, kind: MediaKind, state: FlowState) => void,
    private readonly periodMs = 500,
    private readonly idleChecks = 4,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.check(), this.periodMs);
    this.#timer.unref();
  }

  state(dir: FlowDir, kind: MediaKind): FlowState {
    return this.#state.get(dir + kind) ?? 'NOT_FLOWING';
  }

  /** Also called on the first packet, so FLOWING is reported without waiting for the timer. */
  check(): void {
    for (const kind of ['audio', 'video'] as const) {
      const c = this.counters.of(kind);
      this.#update('in', kind, c.packetsIn);
      this.#update('out', kind, c.packetsOut);
    }
  }

  #update(dir: FlowDir, kind: MediaKind, packets: number): void {
    const key = dir + kind;
    const moved = packets !== (this.#last.get(key) ?? 0);
    this.#last.set(key, packets);
    const prev = this.state(dir, kind);
    if (moved) {
      this.#idle.set(key, 0);
      if (prev !== 'FLOWING') {
        this.#state.set(key, 'FLOWING');
        this.onChange(dir, kind, 'FLOWING');
      }
      return;
    }
    const idle = (this.#idle.get(key) ?? 0) + 1;
    this.#idle.set(key, idle);
    if (prev === 'FLOWING' && idle >= this.idleChecks) {
      this.#state.set(key, 'NOT_FLOWING');
      this.onChange(dir, kind, 'NOT_FLOWING');
    }
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
