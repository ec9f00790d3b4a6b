import type { RTCIceServer, RTCRtpTransceiver } from 'werift';
import type { MediaNetworkConfig } from './config';
import type { LastSenderReport } from './LinkEstimator';

/** The last sender report werift sent for this transceiver (private fields of its sender). */
export function lastSr(t: RTCRtpTransceiver): LastSenderReport | undefined {
  const s = t.sender as unknown as { lastSRtimestamp?: number; lastSentSRTimestamp?: number };
  if (s.lastSRtimestamp === undefined || s.lastSentSRTimestamp === undefined) return undefined;
  return { compactNtp: s.lastSRtimestamp, sentAtMs: s.lastSentSRTimestamp * 1000 };
}

export function iceServers(net: MediaNetworkConfig): RTCIceServer[] {
  const out: RTCIceServer[] = net.stunServers.map((s) => ({
    urls: s.startsWith('stun:') ? s : `stun:${s}`,
  }));
  for (const t of net.turnServers) {
    out.push({ urls: t.url, username: t.username, credential: t.credential });
  }
  return out;
}
