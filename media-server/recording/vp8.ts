/** VP8 frame header facts (RFC 6386 §9.1): keyframe flag and, in keyframes, the picture size. */
export function vp8IsKeyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && ((frame[0] ?? 1) & 0x01) === 0;
}

export function vp8Size(frame: Uint8Array): { width: number; height: number } | undefined {
  if (!vp8IsKeyframe(frame) || frame.length < 10) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  const w = ((frame[7] ?? 0) << 8) | (frame[6] ?? 0);
  const h = ((frame[9] ?? 0) << 8) | (frame[8] ?? 0);
  return { width: w & 0x3fff, height: h & 0x3fff };
}
