/**
 * The codecs this SFU forwards, and how a codec offered by one peer is matched to another's.
 * Forwarding never transcodes, so a sink must negotiate exactly its source's codec.
 */
export type MediaKind = 'audio' | 'video';

export interface CodecSpec {
  /** e.g. `video/VP8`. */
  mimeType: string;
  clockRate: number;
  channels?: number;
  /** fmtp line, as offered by the peer that negotiated it. */
  fmtp?: string;
}

/** Server preference, used when nothing constrains the choice. */
export const PREFERRED: Record<MediaKind, readonly string[]> = {
  audio: ['audio/opus'],
  video: ['video/VP8', 'video/H264'],
};

export function parseFmtp(fmtp: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (fmtp ?? '').split(';')) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) out.set(k.trim().toLowerCase(), v.trim());
  }
  return out;
}

/**
 * Whether RTP of codec `a` can be played by a decoder negotiated as `b`. H264 must agree on
 * packetization-mode and on the profile (the first byte of profile-level-id); the level may differ,
 * as Chromium accepts a higher level than negotiated in practice.
 */
export function sameCodec(a: CodecSpec, b: CodecSpec): boolean {
  if (a.mimeType.toLowerCase() !== b.mimeType.toLowerCase()) return false;
  if (a.clockRate !== b.clockRate) return false;
  if (a.mimeType.toLowerCase() !== 'video/h264') return true;
  const fa = parseFmtp(a.fmtp);
  const fb = parseFmtp(b.fmtp);
  const mode = (f: Map<string, string>) => f.get('packetization-mode') ?? '0';
  const profile = (f: Map<string, string>) => (f.get('profile-level-id') ?? '42e01f').slice(0, 4);
  return mode(fa) === mode(fb) && profile(fa).toLowerCase() === profile(fb).toLowerCase();
}

export function describeCodec(c: CodecSpec): string {
  return c.fmtp ? `${c.mimeType}/${c.clockRate} (${c.fmtp})` : `${c.mimeType}/${c.clockRate}`;
}
