/**
 * Real VP8 for a browser to decode (the join benchmark's clean room, issue 18): an ffmpeg-made
 * clip (`makeClip` of server/test/clip-player.ts, as the recording tests send) played at the
 * load's 30 frames/s, looped. The clip has a keyframe every 10 frames and starts with one, so the
 * loop decodes cleanly; a keyframe request (a new viewer's PLI) jumps to the next keyframe, as a
 * camera's encoder makes one at its next frame.
 */
import { RtpHeader, RtpPacket } from 'werift';

import { type ClipFrame, packetize } from '../../server/test/clip-player';
import { VIDEO_PT } from './peer';
import { VIDEO_FPS } from './synth';

const TICKS_PER_FRAME = 90_000 / VIDEO_FPS;

export class ClipVideoSource {
  readonly #frames: readonly ClipFrame[];
  #next = 0;
  #seq = Math.floor(Math.random() * 0xffff);
  #rtpTs = Math.floor(Math.random() * 0xffffffff);
  #keyframeWanted = true;

  constructor(frames: readonly ClipFrame[]) {
    if (!frames[0]?.key) throw new Error('a clip must start with a keyframe');
    this.#frames = frames;
  }

  requestKeyframe(): void {
    this.#keyframeWanted = true;
  }

  /** The RTP packets of the next frame (the pacer calls this once per frame slot). */
  nextFrame(): RtpPacket[] {
    const count = this.#frames.length;
    if (this.#keyframeWanted) {
      this.#keyframeWanted = false;
      while (!this.#frames[this.#next % count]?.key) this.#next++;
    }
    const frame = this.#frames[this.#next % count];
    this.#next = (this.#next + 1) % count;
    if (!frame) return [];
    const payloads = packetize('VP8', frame);
    const packets = payloads.map((payload, i) => {
      const header = new RtpHeader({
        payloadType: VIDEO_PT,
        sequenceNumber: this.#seq,
        timestamp: this.#rtpTs,
        marker: i === payloads.length - 1,
        ssrc: 0,
      });
      this.#seq = (this.#seq + 1) & 0xffff;
      return new RtpPacket(header, payload);
    });
    this.#rtpTs = (this.#rtpTs + TICKS_PER_FRAME) >>> 0;
    return packets;
  }
}

/** Frames as they cross the IPC channel (structured clone turns Buffers into Uint8Arrays). */
export function clipFromIpc(frames: readonly { units: Uint8Array[]; key: boolean }[]): ClipFrame[] {
  return frames.map((f) => ({
    units: f.units.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)),
    key: f.key,
  }));
}
