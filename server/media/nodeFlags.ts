/**
 * Node/V8 flags of the media-server process, wherever it is forked: by the app (embedded.ts) and
 * by the benchmarks (bench/lib/stack.ts reads this file from the build under test, so each build
 * runs with its own flags). Measured in bench/RESULTS.md, issue 15, sessions 7 (perf) and 9 (mem).
 *
 * `--max-semi-space-size=2` (MB): V8 grows its young generation up to 16 MB per semi-space
 * under a steady allocation rate (every forwarded packet allocates a little); the media server's
 * young objects die young, so a 2 MB semi-space collects them as well and keeps the RSS down.
 *
 * Not `--optimize-for-size`: it took ~5 MB off the RSS at N = 8 (92.6 → 87.2) but cost 7–11 % of
 * the packets per CPU-second at N = 2 and 8, side by side (bench/RESULTS.md, issue 15, session 9,
 * lead), and the CPU is what the Janus comparison counts.
 */
export const MEDIA_SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * Environment the media-server process gets on top of its parent's (embedded.ts, and the
 * benchmarks through bench/lib/stack.ts, read from the build under test like the flags).
 *
 * `glibc.malloc.arena_max=1`: glibc gives each thread that mallocs (V8's GC and compiler
 * helpers, libuv's pool) an arena of its own, whose touched pages stay; the packet path runs on
 * the main thread, and the addon's fan-out threads (moim-fwd-*, not engaged in these runs) reuse
 * their batches from a free list, so one arena for all is not contended there. N = 8, side by side, 3 rounds:
 * RSS 90.2 → 89.5 MB (probe, 2 s before the end: 88.9 → 87.1; the 1.3–2.5 MB of thread arenas
 * gone, `[heap]` +0.3), packets per CPU-second 1.00× at N = 8 and 1.05× at N = 2 (bench/RESULTS.md,
 * issue 15, session 12, mem2). Not kept: the same with a fixed `mmap_threshold`, `trim_threshold`
 * and `top_pad` of 64 KB (RSS −1.3 MB, no more than this alone, at 0.95× at N = 8),
 * `--max-semi-space-size=1` (new space −2 MB, old space +2), jemalloc (no lower RSS).
 */
export const MEDIA_SERVER_ENV: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: 'glibc.malloc.arena_max=1',
};

/**
 * `parent` with MEDIA_SERVER_ENV added. A GLIBC_TUNABLES the operator set is kept after ours:
 * glibc reads the list in order, so theirs win where both name the same tunable.
 */
export function withMediaServerEnv<E extends Partial<Record<string, string>>>(parent: E): E {
  const env: Partial<Record<string, string>> = { ...parent };
  for (const [key, value] of Object.entries(MEDIA_SERVER_ENV)) {
    const own = parent[key];
    env[key] = key === 'GLIBC_TUNABLES' && own ? `${value}:${own}` : value;
  }
  return env as E;
}
