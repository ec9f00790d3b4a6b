/**
 * A werift publisher that sends a real media file (made by ffmpeg) as RTP, in real time, the way
 * a browser would send its camera: VP8 or H.264 video and Opus audio.
 */
import type { RTCRtpCodecParameters } from 'werift';
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import type { FileFrame } from '../recording/FileReader';
import { MediaFile } from '../recording/FileReader';
import { packetize } from '../recording/rtpFrames';
import type { KEndpoint } from './kurento';
import { k } from './kurento';
import { H264, loopbackPeer, trickle, waitConnected } from './peers';
import { vp8Codec } from '../media/weriftCodecs';

export interface FilePublisher {
  pc: ReturnType<typeof loopbackPeer>;
  /** Sends the whole file once; resolves with the frames sent per kind. */
  play(): Promise<{ audio: number; video: number; seconds: number }>;
  close(): Promise<void>;
}

export async function publishFile(ep: KEndpoint, file: string): Promise<FilePublisher> {
  const media = await MediaFile.open(file);
  const video = media.tracks.find((t) => t.kind === 'video');
  const codecs: RTCRtpCodecParameters[] = video?.codec === 'h264' ? [H264()] : [vp8Codec()];
  const pc = loopbackPeer(codecs);
  const tracks = {
    audio: new MediaStreamTrack({ kind: 'audio' }),
    video: new MediaStreamTrack({ kind: 'video' }),
  };
  pc.addTransceiver(tracks.audio, { direction: 'sendonly' });
  pc.addTransceiver(tracks.video, { direction: 'sendonly' });
  trickle(pc, ep);
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await k<string>((cb) => ep.processOffer(pc.localDescription?.sdp ?? '', cb));
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await k((cb) => ep.gatherCandidates(cb));
  await waitConnected(pc);
  const pt = (kind: 'audio' | 'video') =>
    pc.getTransceivers().find((t) => t.kind === kind)?.codecs[0]?.payloadType ?? 96;
  return {
    pc,
    async play() {
      const sent = { audio: 0, video: 0, seconds: 0 };
      const seq = { audio: 0, video: 0 };
      // Read first, so that a cold demuxer cannot make the first frames late (and skew A/V).
      const frames: FileFrame[] = [];
      for await (const f of media.frames()) frames.push(f);
      const t0 = performance.now();
      for (const f of frames) {
        const wait = t0 + f.at * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const track = media.tracks.find((t) => t.kind === f.kind);
        if (!track) continue;
        const ts = Math.round(f.at * track.rtp.clockRate) >>> 0;
        for (const p of packetize(track.codec, f.data)) {
          const header = new RtpHeader({
            payloadType: pt(f.kind),
            sequenceNumber: seq[f.kind]++ & 0xffff,
            timestamp: ts,
            marker: p.marker,
            ssrc: f.kind === 'audio' ? 1111 : 2222,
          });
          tracks[f.kind].writeRtp(new RtpPacket(header, p.payload));
        }
        sent[f.kind]++;
        sent.seconds = f.at;
      }
      return sent;
    },
    async close() {
      media.close();
      await pc.close();
    },
  };
}
