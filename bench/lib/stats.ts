/** Small, dependency-free statistics helpers shared by every benchmark. */

/** The q-quantile (0..1) of `values` by linear interpolation; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / n;
  return {
    n,
    min: n === 0 ? Number.NaN : Math.min(...values),
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: n === 0 ? Number.NaN : Math.max(...values),
    mean,
  };
}

/**
 * A fixed-bucket latency histogram (bucket width `stepMs`, last bucket = overflow) so that workers
 * can ship millions of samples to the orchestrator as one small array.
 */
export class Histogram {
  readonly counts: number[];

  constructor(
    readonly stepMs = 0.05,
    readonly maxMs = 2000,
    counts?: number[],
  ) {
    this.counts = counts ?? new Array<number>(Math.ceil(maxMs / stepMs) + 1).fill(0);
  }

  add(ms: number): void {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.floor(ms / this.stepMs)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  merge(other: Histogram): void {
    other.counts.forEach((c, i) => {
      this.counts[i] = (this.counts[i] ?? 0) + c;
    });
  }

  get total(): number {
    return this.counts.reduce((s, c) => s + c, 0);
  }

  /** Upper edge of the bucket holding the q-quantile. */
  quantile(q: number): number {
    const total = this.total;
    if (total === 0) return Number.NaN;
    const target = q * total;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target) return (i + 1) * this.stepMs;
    }
    return this.maxMs;
  }

  /** Sparse form for IPC/JSON: [bucketIndex, count] pairs. */
  toSparse(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) out.push([i, c]);
    });
    return out;
  }

  static fromSparse(pairs: readonly [number, number][], stepMs = 0.05, maxMs = 2000): Histogram {
    const h = new Histogram(stepMs, maxMs);
    for (const [i, c] of pairs) h.counts[i] = (h.counts[i] ?? 0) + c;
    return h;
  }
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
