/**
 * Real video for the app's recording tests: ffmpeg (Debian's, which `npm test` installs) makes a
 * short VP8 (IVF) or H.264 (Annex B) clip of a test picture, and a `Publisher` sends it as RTP in
 * real time, looped, as a browser sends its camera. The recorder can only write frames it can
 * parse (it reads the picture size from the first keyframe), so tagged fake payloads do not do.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { RtpHeader, RtpPacket } from 'werift';

import type { Publisher, VideoCodec } from './peers';

export interface ClipFrame {
  /** One VP8 frame, or one H.264 access unit as its NAL units. */
  units: Buffer[];
  key: boolean;
}

const fps = 30;
const maxPayload = 1100;

/** A 320x240 clip, a keyframe every third of a second (a lost packet costs little). */
export function makeClip(dir: string, codec: VideoCodec, seconds = 2): ClipFrame[] {
  const out = path.join(dir, codec === 'VP8' ? 'clip.ivf' : 'clip.h264');
  const video =
    codec === 'VP8'
      ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'ivf']
      : [
          ...['-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'ultrafast'],
          ...['-tune', 'zerolatency', '-bf', '0', '-x264-params', 'aud=1', '-f', 'h264'],
        ];
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=${fps}:duration=${seconds}`],
      ...video,
      ...['-g', '10', '-pix_fmt', 'yuv420p', out],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const bytes = readFileSync(out);
  return codec === 'VP8' ? ivfFrames(bytes) : accessUnits(bytes);
}

/** IVF: a header, then per frame a 12-byte header (size, timestamp) and the frame. */
function ivfFrames(bytes: Buffer): ClipFrame[] {
  const frames: ClipFrame[] = [];
  let offset = bytes.readUInt16LE(6);
  while (offset + 12 <= bytes.length) {
    const size = bytes.readUInt32LE(offset);
    const data = bytes.subarray(offset + 12, offset + 12 + size);
    offset += 12 + size;
    // VP8's frame tag: bit 0 clear on a keyframe.
    frames.push({ units: [data], key: ((data[0] ?? 1) & 1) === 0 });
  }
  return frames;
}

/** Annex B split at its access unit delimiters (type 9, asked of x264 with `aud=1`). */
function accessUnits(bytes: Buffer): ClipFrame[] {
  const frames: ClipFrame[] = [];
  let current: Buffer[] = [];
  let parameterSets: Buffer[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    const key = current.some((unit) => nalType(unit) === 5);
    const sets = current.filter((unit) => nalType(unit) === 7 || nalType(unit) === 8);
    if (sets.length > 0) parameterSets = sets;
    // Every keyframe carries SPS and PPS, so a recorder joining late can start from any of them.
    frames.push({
      units: key && sets.length === 0 ? [...parameterSets, ...current] : current,
      key,
    });
    current = [];
  };
  for (const unit of nalUnits(bytes)) {
    if (nalType(unit) === 9) flush();
    else current.push(unit);
  }
  flush();
  return frames;
}

function nalType(unit: Buffer): number {
  return (unit[0] ?? 0) & 0x1f;
}

function nalUnits(bytes: Buffer): Buffer[] {
  const starts: { at: number; length: number }[] = [];
  for (let i = 0; i + 3 <= bytes.length; i++) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0) continue;
    if (bytes[i + 2] === 1) starts.push({ at: i, length: 3 });
    else if (bytes[i + 2] === 0 && bytes[i + 3] === 1) starts.push({ at: i, length: 4 });
    else continue;
    i += 2;
  }
  return starts.map((start, index) =>
    bytes.subarray(start.at + start.length, starts[index + 1]?.at ?? bytes.length),
  );
}

/** RTP payloads of one frame: VP8 with its payload descriptor, H.264 single NAL or FU-A. */
export function packetize(codec: VideoCodec, frame: ClipFrame): Buffer[] {
  const payloads: Buffer[] = [];
  if (codec === 'VP8') {
    const data = frame.units[0] ?? Buffer.alloc(0);
    for (let i = 0; i < data.length; i += maxPayload - 1) {
      const descriptor = Buffer.from([i === 0 ? 0x10 : 0x00]);
      payloads.push(Buffer.concat([descriptor, data.subarray(i, i + maxPayload - 1)]));
    }
    return payloads;
  }
  for (const unit of frame.units) {
    if (unit.length <= maxPayload) {
      payloads.push(unit);
      continue;
    }
    const header = unit[0] ?? 0;
    const body = unit.subarray(1);
    for (let i = 0; i < body.length; i += maxPayload - 2) {
      const start = i === 0 ? 0x80 : 0;
      const end = i + maxPayload - 2 >= body.length ? 0x40 : 0;
      const fu = Buffer.from([(header & 0xe0) | 28, start | end | (header & 0x1f)]);
      payloads.push(Buffer.concat([fu, body.subarray(i, i + maxPayload - 2)]));
    }
  }
  return payloads;
}

/** Sends a clip on a publisher's video track at 30 fps, looped, until its connection closes. */
export class ClipPlayer {
  #sent = 0;
  #sequence = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly publisher: Publisher,
    readonly codec: VideoCodec,
    readonly clip: readonly ClipFrame[],
  ) {
    this.#timer = setInterval(() => this.#tick(), 1000 / fps);
  }

  /** Frames sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Resolves once `count` more frames have been sent. */
  waitFrames(count: number): Promise<void> {
    const target = this.#sent + count;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#sent < target) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.publisher.pc.connectionState === 'closed') {
      this.stop();
      return;
    }
    const frame = this.clip[this.#sent % this.clip.length];
    if (!frame) return;
    const payloadType = this.publisher.payloadType('video');
    const payloads = packetize(this.codec, frame);
    payloads.forEach((payload, index) => {
      const header = new RtpHeader({
        payloadType,
        sequenceNumber: this.#sequence++ & 0xffff,
        timestamp: (this.#sent * (90_000 / fps)) >>> 0,
        marker: index === payloads.length - 1,
        ssrc: 0x5eed,
      });
      this.publisher.writeRtp('video', new RtpPacket(header, payload));
    });
    this.#sent += 1;
    for (const waiter of [...this.#waiters]) waiter();
  }
}
