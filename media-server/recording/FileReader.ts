import type { EncodedPacket, InputAudioTrack, InputVideoTrack } from 'mediabunny';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input } from 'mediabunny';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { avccUnits, toAnnexB } from './h264';
import type { FrameCodec } from './rtpFrames';

export interface FileTrack {
  kind: MediaKind;
  codec: FrameCodec;
  /** What the player sends, in SDP terms (sinks must negotiate it: no transcoding). */
  rtp: CodecSpec;
  width: number;
  height: number;
}

export interface FileFrame {
  kind: MediaKind;
  /** VP8 frame, H.264 access unit in Annex B (parameter sets before each keyframe), Opus packet. */
  data: Uint8Array;
  key: boolean;
  /** Seconds from the start of the file. */
  at: number;
}

/** avcC (ISO 14496-15): NAL length size and the SPS/PPS units. */
function parseAvcC(d: Uint8Array): { lengthSize: number; paramSets: Uint8Array[] } {
  const lengthSize = ((d[4] ?? 3) & 3) + 1;
  const sets: Uint8Array[] = [];
  let i = 5;
  for (const count of ['sps', 'pps'] as const) {
    const n = count === 'sps' ? (d[i++] ?? 0) & 0x1f : (d[i++] ?? 0);
    for (let k = 0; k < n && i + 2 <= d.length; k++) {
      const len = ((d[i] ?? 0) << 8) | (d[i + 1] ?? 0);
      sets.push(d.subarray(i + 2, i + 2 + len));
      i += 2 + len;
    }
  }
  return { lengthSize, paramSets: sets };
}

/**
 * A local WebM or MP4 file read with mediabunny's demuxer: its VP8 / H.264 / Opus tracks and their
 * packets, merged in time order. Anything else (other codecs, no usable track) is refused.
 */
export class MediaFile {
  private constructor(
    readonly input: Input,
    readonly tracks: FileTrack[],
    readonly duration: number,
    private readonly sources: { track: FileTrack; input: InputVideoTrack | InputAudioTrack }[],
    private readonly avc: { lengthSize: number; paramSets: Uint8Array[] } | undefined,
  ) {}

  static async open(path: string): Promise<MediaFile> {
    const input = new Input({ source: new FilePathSource(path), formats: ALL_FORMATS });
    try {
      const tracks: FileTrack[] = [];
      const sources: { track: FileTrack; input: InputVideoTrack | InputAudioTrack }[] = [];
      let avc: { lengthSize: number; paramSets: Uint8Array[] } | undefined;
      const [video] = await input.getVideoTracks();
      if (video && (video.codec === 'vp8' || video.codec === 'avc')) {
        const cfg = await video.getDecoderConfig();
        const codec: FrameCodec = video.codec === 'vp8' ? 'vp8' : 'h264';
        let fmtp: string | undefined;
        if (codec === 'h264') {
          const desc = cfg?.description;
          if (!desc) throw new Error('H.264 track without an avcC');
          const bytes = ArrayBuffer.isView(desc)
            ? new Uint8Array(desc.buffer, desc.byteOffset, desc.byteLength)
            : new Uint8Array(desc);
          avc = parseAvcC(bytes);
          const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(2, '0');
          fmtp = `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${hex(bytes[1])}${hex(bytes[2])}${hex(bytes[3])}`;
        }
        const track: FileTrack = {
          kind: 'video',
          codec,
          rtp: { mimeType: codec === 'vp8' ? 'video/VP8' : 'video/H264', clockRate: 90000 },
          width: video.codedWidth,
          height: video.codedHeight,
        };
        if (fmtp) track.rtp.fmtp = fmtp;
        tracks.push(track);
        sources.push({ track, input: video });
      }
      const [audio] = await input.getAudioTracks();
      if (audio && audio.codec === 'opus') {
        const track: FileTrack = {
          kind: 'audio',
          codec: 'opus',
          rtp: { mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
          width: 0,
          height: 0,
        };
        tracks.push(track);
        sources.push({ track, input: audio });
      }
      if (tracks.length === 0) throw new Error('no VP8, H.264 or Opus track');
      const duration = await input.computeDuration();
      return new MediaFile(input, tracks, duration, sources, avc);
    } catch (err) {
      input.dispose();
      throw err;
    }
  }

  /** Every frame from `from` seconds on (video from the keyframe at or before it), in time order. */
  async *frames(from = 0): AsyncGenerator<FileFrame> {
    const iters = await Promise.all(
      this.sources.map(async ({ track, input }) => {
        const sink = new EncodedPacketSink(input);
        const start =
          track.kind === 'video' ? await sink.getKeyPacket(from) : await sink.getPacket(from);
        return { track, it: sink.packets(start ?? undefined) };
      }),
    );
    const heads = await Promise.all(iters.map(async (x) => (await x.it.next()).value));
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        const b = best >= 0 ? heads[best] : undefined;
        if (h && (!b || h.timestamp < b.timestamp)) best = i;
      }
      const iter = iters[best];
      const packet: EncodedPacket | undefined = heads[best] ?? undefined;
      if (!iter || !packet) return;
      heads[best] = (await iter.it.next()).value;
      yield this.#frame(iter.track, packet);
    }
  }

  #frame(track: FileTrack, p: EncodedPacket): FileFrame {
    const key = p.type === 'key';
    let data = p.data;
    if (track.codec === 'h264' && this.avc) {
      const units = avccUnits(p.data, this.avc.lengthSize);
      data = toAnnexB(key ? [...this.avc.paramSets, ...units] : units);
    }
    return { kind: track.kind, data, key, at: p.timestamp };
  }

  close(): void {
    this.input.dispose();
  }
}
