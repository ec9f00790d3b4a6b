/**
 * The REMB policy of the embedded media server (issue 16). Without simulcast a publisher sends one
 * encoding that every viewer gets, so the bitrate it is told is a choice between its viewers.
 * Serving the worst one (the lowest cap) lets a single viewer on a bad link collapse the picture
 * for everyone; we serve the median viewer instead: the caps of a publication's video sinks are
 * sorted, a sink without a cap counting as unlimited, and the one in the middle is taken (the
 * upper middle for an even count, so with two viewers the worse one does not decide alone). A
 * viewer below the median gets what its own link lets through (NACK/PLI repair the rest). The
 * publisher's own endpoint cap (`maxVideoRecvBandwidth`) always applies on top.
 *
 * A sink's cap is what the app configured for it (`maxVideoSendBandwidth`) or what its link
 * carries (LinkEstimator, from that viewer's receiver reports and NACKs), whichever is lower: see
 * `viewerLimit`.
 *
 * `ownLimit` and `sinkLimits` are in kbps, 0 meaning "no cap"; the result too.
 */
export function publisherLimit(ownLimit: number, sinkLimits: Iterable<number>): number {
  const sinks = [...sinkLimits].map((v) => (v > 0 ? v : Infinity)).sort((a, b) => a - b);
  const median = sinks.length === 0 ? Infinity : (sinks[Math.floor(sinks.length / 2)] ?? Infinity);
  const own = ownLimit > 0 ? ownLimit : Infinity;
  const limit = Math.min(own, median);
  return Number.isFinite(limit) ? limit : 0;
}

/**
 * One viewer's cap for the median: the lower of what the app configured for it and what its
 * link is estimated to carry (kbps, 0 meaning "no cap" in both and in the result).
 */
export function viewerLimit(configured: number, estimate: number): number {
  if (configured <= 0) return estimate > 0 ? estimate : 0;
  return estimate > 0 ? Math.min(configured, estimate) : configured;
}
