/**
 * Node/V8 flags of the media-server process, wherever it is forked: by the app (embedded.ts) and
 * by the benchmarks (bench/lib/stack.ts reads this file from the build under test, so each build
 * runs with its own flags). Measured in bench/RESULTS.md, issue 15, sessions 7 (perf) and 9 (mem).
 *
 * `--max-semi-space-size=2` (MB): V8 grows its young generation up to 16 MB per semi-space
 * under a steady allocation rate (every forwarded packet allocates a little); the media server's
 * young objects die young, so a 2 MB semi-space collects them as well and keeps the RSS down.
 *
 * `--optimize-for-size`: what survives two scavenges (a room's set-up, payloads kept for NACKs)
 * piles up in the old generation, and V8's default growing step let it reach ~32 MB at N = 8
 * without one full collection (`--trace-gc`); sized for memory, V8 collects it sooner: RSS at
 * N = 8 92.5 → 88.6 MB at the same CPU (four runs of perf/forwarding.ts each).
 */
export const MEDIA_SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--optimize-for-size',
];
