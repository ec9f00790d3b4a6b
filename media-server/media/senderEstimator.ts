let shared: unknown;

/**
 * werift gives every RTCRtpSender a bandwidth estimator of its own (with three Events and its
 * tables, 1.4 KB; 128 senders in a room of 8: bench/RESULTS.md, issue 15, session 14). Only
 * werift's own `sendRtp` feeds it (RtpSink sends instead) and only transport-wide CC feedback
 * drives it (not negotiated: sdes:mid is the one header extension), and nothing reads it. One
 * instance, the first sender's, serves them all.
 */
export function shareSenderEstimator(sender: object): void {
  const s = sender as { senderBWE: unknown };
  shared ??= s.senderBWE;
  s.senderBWE = shared;
}
