/** werift peer connections configured the way the benchmarks need them (loopback, one bundle). */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;

export interface PeerOptions {
  /** offer NACK/PLI feedback for video (a sampling receiver must not: it would NACK what it skips) */
  nack?: boolean;
}

export function createPeer(options: PeerOptions = {}): RTCPeerConnection {
  const nack = options.nack ?? true;
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
          rtcpFeedback: nack ? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] : [], // werift treats PLI ({ type: 'nack', parameter: 'pli' }) as NACK on too
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

/**
 * A lighter receiver for large rooms: every RTP datagram is counted from its clear SRTP header,
 * but only packets whose sequence number is a multiple of `every` go on to werift's decryption,
 * parsing and the probe (latency). RTCP, STUN and DTLS pass untouched. Patches the instance's
 * ICE `onData` event, which werift's SRTP transport subscribes to.
 */
export function sampleIncomingRtp(
  pc: RTCPeerConnection,
  every: number,
  onRtp: (receivedNs: bigint, ssrc: number, seq: number) => void,
): void {
  const connection = pc.dtlsTransports[0]?.iceTransport.connection;
  if (!connection) throw new Error('no transport to sample');
  const deliver = connection.onData.execute;
  connection.onData.execute = (data: Buffer) => {
    const b0 = data[0] ?? 0;
    const b1 = data[1] ?? 0;
    // RTP/RTCP (RFC 7983: first byte 128-191); RTCP packet types 192-223 in the second byte.
    if (b0 >= 128 && b0 <= 191 && data.length >= 12 && (b1 < 192 || b1 > 223)) {
      const seq = data.readUInt16BE(2);
      onRtp(process.hrtime.bigint(), data.readUInt32BE(8), seq);
      if (every > 1 && seq % every !== 0) return;
    }
    deliver(data);
  };
}
