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
