/**
 * Pure helpers of bench:compare: paired per-round ratios and the measurement window per room
 * size.
 */
import { median } from './stats';

/**
 * B_i ÷ A_i for each round i where both arms measured (undefined or non-finite: that run did not
 * set up). Arms alternate within a round, so a round's two runs saw the same machine: the median
 * of these ratios cancels drift between rounds, which the ratio of the two medians does not.
 */
export function pairedRatios(
  a: readonly (number | undefined)[],
  b: readonly (number | undefined)[],
): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y) || x <= 0) continue;
    out.push(y / x);
  }
  return out;
}

/** The median of pairedRatios (NaN when no round has both). */
export function medianPairedRatio(
  a: readonly (number | undefined)[],
  b: readonly (number | undefined)[],
): number {
  const r = pairedRatios(a, b);
  return r.length > 0 ? median(r) : Number.NaN;
}

/** Below this many participants a default window is at least MIN_SMALL_ROOM_SECONDS long. */
export const SMALL_ROOM_MAX_SIZE = 2;
/**
 * A 2-person room's media server uses ~0.015 CPU-s/s; its rate also wanders with the machine
 * from second to second. 20 s holds ~0.3 CPU-s and averages the wander over more of it.
 */
export const MIN_SMALL_ROOM_SECONDS = 20;

/**
 * `--seconds` of bench:compare: `S` (every size), or `N:S,…` with an optional bare `S` for the
 * sizes not named (`2:20,4:10,6`). A size up to SMALL_ROOM_MAX_SIZE that is not named gets at
 * least MIN_SMALL_ROOM_SECONDS; naming it (`2:6`) is how to ask for a shorter window.
 */
export function windowSeconds(spec: string, sizes: readonly number[]): Map<number, number> {
  let fallback: number | undefined;
  const named = new Map<number, number>();
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const colon = part.indexOf(':');
    const value = Number(colon < 0 ? part : part.slice(colon + 1));
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--seconds takes S or N:S[,N:S][,S], not ${spec}`);
    }
    if (colon < 0) fallback = value;
    else named.set(Number(part.slice(0, colon)), value);
  }
  const base = fallback ?? 8;
  return new Map(
    sizes.map((n) => {
      const s = named.get(n);
      if (s !== undefined) return [n, s];
      return [n, n <= SMALL_ROOM_MAX_SIZE ? Math.max(base, MIN_SMALL_ROOM_SECONDS) : base];
    }),
  );
}
