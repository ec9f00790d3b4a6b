import type { MediaKind } from '../media/codecs';
import type { LinkSnapshot } from '../media/LinkEstimator';
import type { JsonObject } from './params';
import type { WebRtcEndpoint } from './WebRtcEndpoint';

/**
 * getStats() in KMS's shape: a map statsId → Stats struct. Inbound/outbound RTP counters come from
 * the endpoint's own per-packet counters (what it received from its remote and forwarded to it).
 */
export function buildStats(
  ep: WebRtcEndpoint,
  only: MediaKind | undefined,
  dataOnly: boolean,
): JsonObject {
  const out: JsonObject = {};
  const ts = Date.now();
  const common = (id: string, type: string, __type__: string): JsonObject => ({
    __module__: 'kurento',
    __type__,
    id,
    type,
    timestampMillis: ts,
  });
  if (dataOnly) return out;
  for (const kind of ['audio', 'video'] as const) {
    if (only && only !== kind) continue;
    const t = ep.peer?.transceiver(kind);
    if (!t) continue;
    const c = ep.counters.of(kind);
    const codec = ep.codecs.get(kind);
    const inId = `${kind}-inbound`;
    const outId = `${kind}-outbound`;
    out[inId] = {
      ...common(inId, 'inboundrtp', 'RTCInboundRTPStreamStats'),
      ssrc: String(ep.peer?.remoteSsrc(kind) ?? ''),
      mediaTrackId: t.receiver.track.id ?? '',
      codecId: codec?.mimeType ?? '',
      isRemote: false,
      packetsReceived: c.packetsIn,
      bytesReceived: c.bytesIn,
      pliCount: c.pliOut,
      firCount: 0,
      nackCount: 0,
      sliCount: 0,
      packetsLost: 0,
      fractionLost: 0,
      jitter: 0,
      remb: 0,
    };
    out[outId] = {
      ...common(outId, 'outboundrtp', 'RTCOutboundRTPStreamStats'),
      ssrc: String(t.sender.ssrc),
      codecId: codec?.mimeType ?? '',
      isRemote: false,
      packetsSent: c.packetsOut,
      bytesSent: c.bytesOut,
      pliCount: c.pliIn,
      firCount: c.firIn,
      nackCount: c.nackIn,
      sliCount: 0,
      ...outboundLink(kind === 'video' ? ep.bandwidth.link : undefined),
      remb: 0,
    };
  }
  return out;
}

/**
 * What the viewer's receiver reports say of the video sent to it (LinkEstimator): `targetBitrate`
 * is the estimate the REMB policy uses (0: no limit seen), `fractionLost` the last reported loss
 * (0–1, after repair), `roundTripTime` in seconds from LSR/DLSR.
 */
function outboundLink(link: LinkSnapshot | undefined): JsonObject {
  return {
    packetsLost: link?.packetsLost ?? 0,
    fractionLost: link?.reportedLoss ?? 0,
    targetBitrate: link?.targetBps ?? 0,
    roundTripTime: (link?.rttMs ?? 0) / 1000,
  };
}
