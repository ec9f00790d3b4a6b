import { beat, beatsOf } from './beat';
import { native } from './native';

/** The addon's glibc trim (native/src/trim.c); an addon built before it has none. */
export interface TrimAddon {
  /** malloc_trim(0): whether any memory went back to the kernel. */
  mallocTrim(): boolean;
}

export function trimAddonOf(addon: unknown): TrimAddon | null {
  if (typeof addon !== 'object' || addon === null) return null;
  const trim = (addon as Record<string, unknown>)['mallocTrim'];
  return typeof trim === 'function' ? (addon as TrimAddon) : null;
}

/** How long after the last connection came up the heap counts as settled. */
const SETTLE_MS = 2000;

const job = {};
/** Trims done so far (tests). */
export let trims = 0;

/**
 * A connection just came up: once none has for SETTLE_MS, glibc's free pages inside its heap go
 * back to the kernel, once (issue 15, memory). Setting a connection up (DTLS, ICE, werift's
 * objects, Node's buffers) mallocs and frees in a burst; what stays live is scattered over the
 * heap and the pages in between stay resident, which no malloc tunable gives back (bench/
 * RESULTS.md, session 12, mem2). Forwarding afterwards reuses the same few sizes, so the pages
 * stay free. `MEDIA_HEAP_TRIM=off` turns it off.
 */
export function trimWhenSettled(addon: TrimAddon | null = trimAddonOf(native)): void {
  if (!addon || process.env['MEDIA_HEAP_TRIM'] === 'off') return;
  // A later connection moves the trim (the job of one owner is replaced).
  beat.add(job, beatsOf(SETTLE_MS), () => {
    addon.mallocTrim();
    trims++;
    return 0;
  });
}
