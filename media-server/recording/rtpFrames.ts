import type { RtpPacket } from 'werift';
import { annexBUnits, isIdr, nalType, toAnnexB } from './h264';
import { vp8IsKeyframe } from './vp8';

/** The codecs the recorder and the player handle (what the SFU forwards). */
export type FrameCodec = 'vp8' | 'h264' | 'opus';

export interface Frame {
  /** VP8 frame, H.264 access unit in Annex B, or one Opus packet. */
  data: Uint8Array;
  key: boolean;
  /** RTP timestamp of the frame. */
  rtpTs: number;
}

/** One RTP payload of a packetized frame, and whether it ends the frame (marker bit). */
export interface Payload {
  payload: Buffer;
  marker: boolean;
}

/**
 * Reassembles frames from RTP packets of one SSRC (RFC 7741 for VP8, RFC 6184 for H.264,
 * RFC 7587 for Opus). A frame with a lost packet is dropped, and so is every video frame after it
 * until the next keyframe (a decoder could not use them).
 */
export class FrameAssembler {
  #ts = -1;
  #parts: Part[] = [];
  #nextSeq = -1;
  #broken = false;
  #needKey = true;

  constructor(readonly codec: FrameCodec) {}

  /** Whether a keyframe is awaited (after a loss, or before the first one). */
  get needsKeyframe(): boolean {
    return this.codec !== 'opus' && this.#needKey;
  }

  push(rtp: RtpPacket): Frame | undefined {
    const h = rtp.header;
    if (this.codec === 'opus') {
      return rtp.payload.length > 0
        ? { data: Buffer.from(rtp.payload), key: true, rtpTs: h.timestamp }
        : undefined;
    }
    if (h.timestamp !== this.#ts) {
      this.#ts = h.timestamp;
      this.#parts = [];
      this.#broken = this.#nextSeq >= 0 && h.sequenceNumber !== this.#nextSeq;
    } else if (h.sequenceNumber !== this.#nextSeq) {
      this.#broken = true;
    }
    this.#nextSeq = (h.sequenceNumber + 1) & 0xffff;
    const part = this.codec === 'vp8' ? vp8Part(rtp.payload) : h264Part(rtp.payload);
    if (part === undefined) this.#broken = true;
    else this.#parts.push(...part);
    if (!h.marker) return undefined;
    const parts = this.#parts;
    this.#parts = [];
    if (this.#broken || parts.length === 0) {
      this.#needKey = true;
      return undefined;
    }
    const frame =
      this.codec === 'vp8' ? vp8Frame(parts, h.timestamp) : h264Frame(parts, h.timestamp);
    if (!frame) return undefined;
    if (this.#needKey && !frame.key) return undefined;
    this.#needKey = false;
    return frame;
  }
}

/** A piece of a frame: a new NAL unit, or bytes to append to the previous one (FU-A). */
interface Part {
  data: Uint8Array;
  append: boolean;
}

/** VP8 payload descriptor (RFC 7741 §4.2) stripped; undefined when malformed. */
function vp8Part(p: Buffer): Part[] | undefined {
  if (p.length < 1) return undefined;
  let i = 1;
  const b0 = p[0] ?? 0;
  if (b0 & 0x80) {
    const x = p[i++] ?? 0;
    if (x & 0x80) i += (p[i] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) i++; // TL0PICIDX
    if (x & 0x30) i++; // TID / KEYIDX
  }
  return i <= p.length ? [{ data: p.subarray(i), append: true }] : undefined;
}

function vp8Frame(parts: Part[], rtpTs: number): Frame {
  const data = Buffer.concat(parts.map((x) => x.data));
  return { data, key: vp8IsKeyframe(data), rtpTs };
}

/** NAL units of one H.264 RTP payload: single NAL, STAP-A (24) or FU-A (28) fragments. */
function h264Part(p: Buffer): Part[] | undefined {
  const type = (p[0] ?? 0) & 0x1f;
  if (type >= 1 && type <= 23) return [{ data: p, append: false }];
  if (type === 24) {
    const out: Part[] = [];
    let i = 1;
    while (i + 2 <= p.length) {
      const n = p.readUInt16BE(i);
      i += 2;
      if (i + n > p.length) return undefined;
      out.push({ data: p.subarray(i, i + n), append: false });
      i += n;
    }
    return out;
  }
  if (type === 28 && p.length >= 2) {
    const fu = p[1] ?? 0;
    // Start fragments carry the rebuilt NAL header; the others are marked to be appended.
    const nalHeader = Uint8Array.of(((p[0] ?? 0) & 0xe0) | (fu & 0x1f));
    if (fu & 0x80) return [{ data: Buffer.concat([nalHeader, p.subarray(2)]), append: false }];
    return [{ data: p.subarray(2), append: true }];
  }
  return undefined;
}

function h264Frame(parts: Part[], rtpTs: number): Frame | undefined {
  const units: Uint8Array[] = [];
  for (const part of parts) {
    const prev = units[units.length - 1];
    if (part.append && prev) units[units.length - 1] = Buffer.concat([prev, part.data]);
    else units.push(part.data);
  }
  const kept = units.filter((u) => nalType(u) !== 9); // access unit delimiters are not needed
  if (kept.length === 0) return undefined;
  return { data: toAnnexB(kept), key: isIdr(kept), rtpTs };
}

/** Largest RTP payload we build (fits a 1200-byte datagram with headers and SRTP tag). */
const MAX_PAYLOAD = 1100;

/** Splits a frame into RTP payloads (the inverse of FrameAssembler). */
export function packetize(codec: FrameCodec, data: Uint8Array, annexB = true): Payload[] {
  if (codec === 'opus') return [{ payload: Buffer.from(data), marker: true }];
  if (codec === 'vp8') {
    const out: Payload[] = [];
    for (let i = 0; i < data.length; i += MAX_PAYLOAD - 1) {
      const chunk = data.subarray(i, i + MAX_PAYLOAD - 1);
      out.push({
        payload: Buffer.concat([Uint8Array.of(i === 0 ? 0x10 : 0x00), chunk]),
        marker: false,
      });
    }
    const last = out[out.length - 1];
    if (last) last.marker = true;
    return out;
  }
  const units = annexB ? annexBUnits(data) : [data];
  const out: Payload[] = [];
  for (const u of units) {
    if (nalType(u) === 9) continue;
    if (u.length <= MAX_PAYLOAD) {
      out.push({ payload: Buffer.from(u), marker: false });
      continue;
    }
    const header = u[0] ?? 0;
    const body = u.subarray(1);
    for (let i = 0; i < body.length; i += MAX_PAYLOAD - 2) {
      const start = i === 0;
      const end = i + MAX_PAYLOAD - 2 >= body.length;
      const fu = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f);
      const chunk = body.subarray(i, i + MAX_PAYLOAD - 2);
      out.push({
        payload: Buffer.concat([Uint8Array.of((header & 0xe0) | 28, fu), chunk]),
        marker: false,
      });
    }
  }
  const last = out[out.length - 1];
  if (last) last.marker = true;
  return out;
}
