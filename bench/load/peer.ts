/** werift peer connections configured the way the benchmarks need them (loopback, one bundle). */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;

export function createPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90_000,
          payloadType: VIDEO_PT,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
        }),
      ],
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48_000,
          channels: 2,
          payloadType: AUDIO_PT,
        }),
      ],
    },
    headerExtensions: { video: [], audio: [] },
  });
}

/** Creates the offer and returns it with every host candidate in it (no trickle needed). */
export async function gatheredOffer(pc: RTCPeerConnection, timeoutMs = 10_000): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await pc.iceGatheringStateChange.watch((s) => s === 'complete', timeoutMs);
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local description after gathering');
  return sdp;
}

export async function waitConnected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return;
  const [state] = await pc.connectionStateChange.watch(
    (s) => s === 'connected' || s === 'failed',
    timeoutMs,
  );
  if (state !== 'connected') throw new Error(`peer ${state}`);
}
