/**
 * Synthetic VP8 and Opus RTP at the rates of a 360p camera call: video 30 frames/s in 2-3 packets
 * of about 1,000 bytes (70 packets/s), audio one 20 ms Opus frame per packet (50 packets/s).
 * Payload headers are valid: the VP8 payload descriptor's S bit and the frame tag's key-frame bit
 * are set as a real encoder would, so an SFU that looks for key frames finds them.
 */
import { RtpHeader, RtpPacket } from 'werift';

import { type Probe, StreamKind, writeProbe } from './probe';

export const VIDEO_PACKET_BYTES = 1000;
export const AUDIO_PACKET_BYTES = 120;
export const VIDEO_FPS = 30;
/** packets per frame, cycling: 2 + 2 + 3 = 7 packets per 3 frames = 70 packets/s at 30 fps */
const PACKETS_PER_FRAME = [2, 2, 3] as const;
export const VIDEO_PACKETS_PER_SECOND =
  (VIDEO_FPS * PACKETS_PER_FRAME.reduce((s, v) => s + v, 0)) / PACKETS_PER_FRAME.length;
export const AUDIO_PACKETS_PER_SECOND = 50;
/** Where the probe sits in each payload (after the VP8 descriptor + key-frame header). */
export const VIDEO_PROBE_OFFSET = 16;
export const AUDIO_PROBE_OFFSET = 1;

const randomU16 = (): number => Math.floor(Math.random() * 0xffff);
const randomU32 = (): number => Math.floor(Math.random() * 0xffffffff);

export class VideoSource {
  private frame = 0;
  private seq = randomU16();
  private rtpTs = randomU32();
  private probeSeq = 0;
  private keyframeWanted = true;

  constructor(private readonly publisher: number) {}

  requestKeyframe(): void {
    this.keyframeWanted = true;
  }

  /** The packets of the next frame; `now` is embedded in each. */
  nextFrame(now: bigint): RtpPacket[] {
    const count = PACKETS_PER_FRAME[this.frame % PACKETS_PER_FRAME.length] ?? 2;
    const key = this.keyframeWanted;
    this.keyframeWanted = false;
    const packets: RtpPacket[] = [];
    for (let i = 0; i < count; i++) {
      const payload = Buffer.alloc(VIDEO_PACKET_BYTES, 0x5a);
      // VP8 payload descriptor (RFC 7741): X=0, N=0, S=1 on a frame's first packet, PID=0.
      payload[0] = i === 0 ? 0x10 : 0x00;
      if (i === 0) {
        // VP8 frame tag: bit 0 = 0 on a key frame (P bit), show_frame bit 4, partition size.
        payload[1] = (key ? 0x00 : 0x01) | 0x10 | (0x60 & 0xe0);
        payload[2] = 0x02;
        payload[3] = 0x00;
        if (key) {
          // Key-frame start code and 640x360.
          payload[4] = 0x9d;
          payload[5] = 0x01;
          payload[6] = 0x2a;
          payload.writeUInt16LE(640, 7);
          payload.writeUInt16LE(360, 9);
        }
      }
      const probe: Probe = {
        publisher: this.publisher,
        kind: StreamKind.Video,
        seq: this.probeSeq++,
        sentNs: now,
      };
      writeProbe(payload, VIDEO_PROBE_OFFSET, probe);
      const header = new RtpHeader({
        payloadType: 96,
        sequenceNumber: this.seq,
        timestamp: this.rtpTs,
        marker: i === count - 1,
        ssrc: 0,
      });
      this.seq = (this.seq + 1) & 0xffff;
      packets.push(new RtpPacket(header, payload));
    }
    this.frame++;
    this.rtpTs = (this.rtpTs + 90_000 / VIDEO_FPS) >>> 0;
    return packets;
  }
}

export class AudioSource {
  private seq = randomU16();
  private rtpTs = randomU32();
  private probeSeq = 0;

  constructor(private readonly publisher: number) {}

  next(now: bigint): RtpPacket {
    const payload = Buffer.alloc(AUDIO_PACKET_BYTES, 0x33);
    payload[0] = 0xfc; // Opus TOC: config 31 (CELT FB 20 ms), mono, one frame
    writeProbe(payload, AUDIO_PROBE_OFFSET, {
      publisher: this.publisher,
      kind: StreamKind.Audio,
      seq: this.probeSeq++,
      sentNs: now,
    });
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: this.seq,
      timestamp: this.rtpTs,
      marker: false,
      ssrc: 0,
    });
    this.seq = (this.seq + 1) & 0xffff;
    this.rtpTs = (this.rtpTs + 960) >>> 0;
    return new RtpPacket(header, payload);
  }
}
