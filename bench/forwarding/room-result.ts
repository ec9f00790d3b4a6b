/** What one room measurement returns (run-room.ts), and the shape of a run that failed. */

export interface LatencyMs {
  p50: number;
  p95: number;
  p99: number;
}

export interface RoomResult {
  size: number;
  ok: boolean;
  failure?: string;
  workers: number;
  sampleEvery: number;
  setupSeconds: number;
  joinMsMedian: number;
  windowSeconds: number;
  /** the measurement window on the monotonic clock, µs (to cut CPU profiles to it) */
  windowUs: { startUs: number; endUs: number };
  packetsInPerSecond: number;
  packetsOutPerSecond: number;
  expectedOutPerSecond: number;
  /** on-CPU seconds per second of all the media server's threads (schedstat, ns-exact) */
  mediaCpuPerSecond: number;
  /** the same from /proc/<pid>/stat utime + stime (10 ms ticks): the cross-check */
  mediaCpuTicksPerSecond: number;
  /** threads of the media server that ran in the window and exited before its end (0 normally) */
  mediaThreadsExited: number;
  mediaUserPerSecond: number;
  mediaSystemPerSecond: number;
  /** of mediaCpuPerSecond, what the forwarding threads took (0: not engaged, or none) */
  forwardingThreadsCpuPerSecond: number;
  forwardingThreadsTicksCpuPerSecond: number;
  /** packets in + out per CPU-second of mediaCpuPerSecond (exact) */
  packetsPerCpuSecond: number;
  /** the same per CPU-second of mediaCpuTicksPerSecond */
  packetsPerCpuSecondTicks: number;
  mediaRssIdleMB: number;
  mediaRssMB: number;
  rssPerParticipantMB: number;
  signalingCpuPerSecond: number;
  loadGenCpuPerSecond: number;
  machineBusyPercent: number;
  loadAverage1m: number;
  lossPercent: number;
  duplicates: number;
  unreadable: number;
  pacerSkipped: number;
  latency: LatencyMs;
  latencyVideo: LatencyMs;
  latencyAudio: LatencyMs;
  udpDatagramsPerSecond: { in: number; out: number; rcvbufErrors: number };
  errors: string[];
}

export function failedResult(
  size: number,
  failure: string,
  workers: number,
  errors: string[],
): RoomResult {
  const nan = { p50: NaN, p95: NaN, p99: NaN };
  return {
    size,
    ok: false,
    failure,
    workers,
    sampleEvery: 1,
    setupSeconds: NaN,
    joinMsMedian: NaN,
    windowSeconds: NaN,
    windowUs: { startUs: NaN, endUs: NaN },
    packetsInPerSecond: NaN,
    packetsOutPerSecond: NaN,
    expectedOutPerSecond: NaN,
    mediaCpuPerSecond: NaN,
    mediaCpuTicksPerSecond: NaN,
    mediaThreadsExited: 0,
    mediaUserPerSecond: NaN,
    mediaSystemPerSecond: NaN,
    forwardingThreadsCpuPerSecond: NaN,
    forwardingThreadsTicksCpuPerSecond: NaN,
    packetsPerCpuSecond: NaN,
    packetsPerCpuSecondTicks: NaN,
    mediaRssIdleMB: NaN,
    mediaRssMB: NaN,
    rssPerParticipantMB: NaN,
    signalingCpuPerSecond: NaN,
    loadGenCpuPerSecond: NaN,
    machineBusyPercent: NaN,
    loadAverage1m: NaN,
    lossPercent: NaN,
    duplicates: 0,
    unreadable: 0,
    pacerSkipped: 0,
    latency: nan,
    latencyVideo: nan,
    latencyAudio: nan,
    udpDatagramsPerSecond: { in: NaN, out: NaN, rcvbufErrors: 0 },
    errors,
  };
}
