/** werift peer connections configured the way the benchmarks need them (loopback, one bundle). */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

import { fastDatagramRtp } from '../../media-server/media/fastDatagram';
import { directRtp, type MediaListener } from './directRtp';
import {
  fastRouteRtp,
  installFastReceive,
  leanEvent,
  leanTransportEvents,
} from '../../media-server/media/fastReceive';
import { installFastRtpHeaderParse } from '../../media-server/media/fastRtpHeader';
import { NackGenerator } from '../../media-server/media/NackGenerator';
import { installRtcpReports } from '../../media-server/media/rtcpReports';
import { installSrtcp } from '../../media-server/media/Srtcp';
import { installSrtpReader } from '../../media-server/media/SrtpReader';

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

/**
 * Makes a receiving connection as cheap as the media server's own receive path (media/peer.ts
 * installs the same pieces) while it still does what a browser's does for every packet: SRTP
 * authentication and decryption (the native addon when built: media/SrtpReader.ts), RTP parsing,
 * receiver statistics, a receiver report about once a second (media/rtcpReports.ts), NACKs for
 * what is missing (media/NackGenerator.ts) and SRTCP both ways (media/Srtcp.ts). What it leaves
 * out is werift's own overhead: its per-datagram event chain, a promise per event, a header
 * extension object per packet, a 5 ms NACK timer that never stops (fastReceive.ts and
 * fastDatagram.ts say which). A 16-person room is 240 such receivers on the load machine.
 *
 * With `direct`, a source's packets after its first go to `direct` by directRtp.ts (the same
 * decryption, statistics and NACKs, without werift's per-packet objects) instead of the track.
 */
export function leanReceiver(pc: RTCPeerConnection, direct?: MediaListener): void {
  installFastRtpHeaderParse();
  installFastReceive();
  installRtcpReports();
  fastRouteRtp(pc);
  pc.onTransceiverAdded.subscribe((t) => {
    const receiver = t.receiver as unknown as { nack: { close(): void } };
    receiver.nack.close();
    receiver.nack = new NackGenerator(t.receiver);
  });
  pc.onTrack.subscribe((track) => leanEvent(track.onReceiveRtp));
  pc.connectionStateChange.subscribe((s) => {
    if (s !== 'connected') return;
    for (const d of pc.dtlsTransports) {
      installSrtpReader(d);
      installSrtcp(d);
      leanTransportEvents(d);
      fastDatagramRtp(d);
      if (direct) directRtp(pc, d, direct);
    }
  });
}
