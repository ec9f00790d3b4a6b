/** What the stats overlay shows of one connection, and what the quality level is made of. */
export interface LinkSample {
  direction: 'sending' | 'receiving';
  /** Video (or audio when there is no video) bits per second over the last window, kbit/s. */
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** e.g. `VP8`, `opus` */
  codec: string | null;
  /** Packets lost before repair over the last window, percent (worst of audio and video). */
  lossPercent: number;
  rttMs: number | null;
  jitterMs: number;
  /** The selected pair's local candidate type: `host`, `srflx`, `prflx` or `relay`. */
  candidateType: string | null;
}

/** Counters kept between two samples (the deltas make the window's figures). */
export interface LinkCounters {
  at: number;
  bytes: number;
  /** by kind: packets received (or sent) and lost (or NACKed) so far */
  packets: Record<string, { total: number; lost: number }>;
}

type Report = Record<string, unknown> & { type: string; id: string };

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * Reads one connection's getStats. Loss is what the path lost, before NACK repaired it: for
 * video the NACKs per received packet (a retransmitted packet counts as received in
 * `packetsLost`, which would hide a 10% loss almost entirely), for audio `packetsLost` (Opus is
 * not retransmitted); a sender reads the media server's receiver reports.
 */
export function readLinkStats(
  stats: RTCStatsReport,
  direction: 'sending' | 'receiving',
  previous: LinkCounters | undefined,
  now: number,
): { sample: LinkSample; counters: LinkCounters } {
  const reports = new Map<string, Report>();
  stats.forEach((report: Report) => reports.set(report.id, report));
  const rtpType = direction === 'sending' ? 'outbound-rtp' : 'inbound-rtp';
  const rtp = [...reports.values()].filter((r) => r.type === rtpType);
  const main = rtp.find((r) => r.kind === 'video') ?? rtp.find((r) => r.kind === 'audio');
  const counters: LinkCounters = { at: now, bytes: 0, packets: {} };
  let jitter = 0;
  let remoteRtt: number | null = null;
  let remoteLoss = 0;
  for (const r of rtp) {
    const kind = typeof r.kind === 'string' ? r.kind : 'unknown';
    if (direction === 'receiving') {
      const received = num(r.packetsReceived) ?? 0;
      const lost =
        kind === 'video' ? (num(r.nackCount) ?? 0) : Math.max(0, num(r.packetsLost) ?? 0);
      counters.packets[kind] = { total: received + (kind === 'video' ? 0 : lost), lost };
      jitter = Math.max(jitter, num(r.jitter) ?? 0);
    }
  }
  for (const r of reports.values()) {
    if (r.type !== 'remote-inbound-rtp' || direction !== 'sending') continue;
    remoteLoss = Math.max(remoteLoss, (num(r.fractionLost) ?? 0) * 100);
    jitter = Math.max(jitter, num(r.jitter) ?? 0);
    remoteRtt = num(r.roundTripTime) ?? remoteRtt;
  }
  counters.bytes = num(main?.[direction === 'sending' ? 'bytesSent' : 'bytesReceived']) ?? 0;
  let lossPercent = remoteLoss;
  for (const [kind, now] of Object.entries(counters.packets)) {
    const before = previous?.packets[kind] ?? { total: 0, lost: 0 };
    const total = now.total - before.total;
    const lost = now.lost - before.lost;
    if (total > 0) lossPercent = Math.max(lossPercent, Math.min(100, (lost / total) * 100));
  }
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const pair = selectedPair(reports);
  const pairRtt = num(pair?.currentRoundTripTime);
  const local = pair ? reports.get(String(pair.localCandidateId)) : undefined;
  const codec = main ? reports.get(String(main.codecId)) : undefined;
  const rtt = pairRtt ?? remoteRtt;
  return {
    counters,
    sample: {
      direction,
      bitrateKbps:
        previous && seconds > 0
          ? Math.max(0, Math.round(((counters.bytes - previous.bytes) * 8) / seconds / 1000))
          : null,
      width: num(main?.frameWidth),
      height: num(main?.frameHeight),
      fps: num(main?.framesPerSecond),
      codec: typeof codec?.mimeType === 'string' ? codec.mimeType.replace(/^\w+\//, '') : null,
      lossPercent: Math.round(lossPercent * 10) / 10,
      rttMs: rtt === null ? null : Math.round(rtt * 1000),
      jitterMs: Math.round(jitter * 1000),
      candidateType: typeof local?.candidateType === 'string' ? local.candidateType : null,
    },
  };
}

function selectedPair(reports: Map<string, Report>): Report | undefined {
  for (const r of reports.values()) {
    if (r.type !== 'transport' || typeof r.selectedCandidatePairId !== 'string') continue;
    const pair = reports.get(r.selectedCandidatePairId);
    if (pair) return pair;
  }
  return [...reports.values()].find(
    (r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded',
  );
}
