/**
 * Node/V8 flags and environment of the media-server process, wherever it is forked: by the app
 * (embedded.ts) and by the benchmarks (bench/lib/stack.ts reads this file from the build under
 * test, so each build runs with its own). Measured in bench/RESULTS.md, issue 15, sessions 7
 * (perf), 9 (mem) and 14 (native).
 *
 * `--max-semi-space-size=2` (MB): V8 grows its young generation up to 16 MB per semi-space
 * under a steady allocation rate (every forwarded packet allocates a little); the media server's
 * young objects die young, so a 2 MB semi-space collects them as well and keeps the RSS down.
 *
 * Not `--optimize-for-size`: it took ~5 MB off the RSS at N = 8 (92.6 → 87.2) but cost 7–11 % of
 * the packets per CPU-second at N = 2 and 8, side by side (bench/RESULTS.md, issue 15, session 9,
 * lead), and the CPU is what the Janus comparison counts. Nor, measured in session 14 (native),
 * `--no-sparkplug` (V8's code space 2.2 → 0.6 MB at N = 8, but 0.91× CPU paired), nor glibc's
 * `MALLOC_ARENA_MAX=1` (V8's workers' malloc arenas, 2–3 MB resident at N = 8, mostly move
 * into the main heap: −0.7 to −2.1 MB, but 0.90–0.95× paired in the combined compares).
 *
 * `--v8-pool-size=1`: one V8 worker thread instead of Node's four (whatever the core count), for
 * concurrent compilation and GC helpers of a ~30 MB heap. Each worker leaves a malloc arena of
 * compiler scratch behind: RSS at N = 8 −2.4 to −2.6 MB, CPU equal to four workers paired
 * (N = 8 1.03 and 0.97, N = 2 1.15 over three rounds each; bench/RESULTS.md, issue 15, session
 * 14, lead; native measured it 1.00 alone).
 */
export const MEDIA_SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--v8-pool-size=1',
];

/** Whether a TURN list (`MEDIA_TURN`, media-server/config.ts) names a TURN server over TLS. */
function turnOverTls(turn: string | undefined): boolean {
  return turn !== undefined && /(^|,)\s*turns:|transport=tls/.test(turn);
}

/**
 * The media server's environment, from its parent's.
 *
 * Without `NODE_EXTRA_CA_CERTS`: when it is set, Node parses the whole file (a system bundle is
 * ~140 certificates) into its root store at start-up, ~1.8 MB of RSS for the life of the process
 * (1.1 MB of heap, the rest the node binary's OpenSSL pages that parsing touches); the media server only listens, and its one
 * TLS client is werift's TURN over TLS, so the variable stays when `MEDIA_TURN` names one.
 */
export function mediaServerEnv<E extends Record<string, string | undefined>>(parent: E): E {
  const env: E = { ...parent };
  if (!turnOverTls(env['MEDIA_TURN'])) delete env['NODE_EXTRA_CA_CERTS'];
  return env;
}
