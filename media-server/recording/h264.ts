/**
 * The little of H.264 the recorder and player need: NAL units of Annex B and AVCC data, keyframe
 * detection, and the picture size and profile from a sequence parameter set.
 */

/** NAL units of an Annex B buffer (start codes 00 00 01 / 00 00 00 01), without start codes. */
export function annexBUnits(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) out.push(trimZeros(data.subarray(start, i)));
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0 && start < data.length) out.push(data.subarray(start));
  return out.filter((u) => u.length > 0);
}

function trimZeros(u: Uint8Array): Uint8Array {
  let end = u.length;
  while (end > 0 && u[end - 1] === 0) end--;
  return u.subarray(0, end);
}

/** NAL units of length-prefixed (AVCC, as in MP4) data. */
export function avccUnits(data: Uint8Array, lengthSize = 4): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i + lengthSize <= data.length) {
    let n = 0;
    for (let b = 0; b < lengthSize; b++) n = n * 256 + (data[i + b] ?? 0);
    i += lengthSize;
    if (n === 0 || i + n > data.length) break;
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

const START = Uint8Array.of(0, 0, 0, 1);

export function toAnnexB(units: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const u of units) parts.push(START, u);
  return Buffer.concat(parts);
}

export const nalType = (u: Uint8Array): number => (u[0] ?? 0) & 0x1f;

/** An access unit is a keyframe when it carries an IDR slice (type 5). */
export function isIdr(units: readonly Uint8Array[]): boolean {
  return units.some((u) => nalType(u) === 5);
}

/** Reads Exp-Golomb coded fields of an RBSP (emulation-prevention bytes removed). */
class BitReader {
  #pos = 0;
  readonly #bytes: Uint8Array;
  constructor(nal: Uint8Array) {
    const out: number[] = [];
    for (let i = 0; i < nal.length; i++) {
      if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
      out.push(nal[i] ?? 0);
    }
    this.#bytes = Uint8Array.from(out);
  }
  bit(): number {
    const b = this.#bytes[this.#pos >> 3];
    if (b === undefined) throw new Error('SPS truncated');
    const v = (b >> (7 - (this.#pos & 7))) & 1;
    this.#pos++;
    return v;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new Error('bad Exp-Golomb code');
    return (1 << zeros) - 1 + this.bits(zeros);
  }
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -(k / 2);
  }
}

export interface SpsInfo {
  width: number;
  height: number;
  /** profile_idc, constraint flags, level_idc: the `profile-level-id` of SDP. */
  profileLevelId: string;
}

/** Picture size and profile of a sequence parameter set NAL unit (with its header byte). */
export function parseSps(sps: Uint8Array): SpsInfo {
  const r = new BitReader(sps.subarray(1));
  const profile = r.bits(8);
  const constraints = r.bits(8);
  const level = r.bits(8);
  r.ue(); // seq_parameter_set_id
  let chroma = 1;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
    chroma = r.ue();
    if (chroma === 3) r.bit();
    r.ue(); // bit_depth_luma
    r.ue(); // bit_depth_chroma
    r.bit(); // qpprime_y_zero_transform_bypass
    if (r.bit()) {
      for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
        if (!r.bit()) continue;
        let last = 8;
        let next = 8;
        for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
          if (next !== 0) next = (last + r.se() + 256) % 256;
          last = next === 0 ? last : next;
        }
      }
    }
  }
  r.ue(); // log2_max_frame_num
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_allowed
  const wMbs = r.ue() + 1;
  const hMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit();
  r.bit(); // direct_8x8_inference
  let crop = [0, 0, 0, 0];
  if (r.bit()) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
  const cropX = chroma === 0 || chroma === 3 ? 1 : 2;
  const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return {
    width: wMbs * 16 - cropX * ((crop[0] ?? 0) + (crop[1] ?? 0)),
    height: (2 - frameMbsOnly) * hMapUnits * 16 - cropY * ((crop[2] ?? 0) + (crop[3] ?? 0)),
    profileLevelId: hex(profile) + hex(constraints) + hex(level),
  };
}
