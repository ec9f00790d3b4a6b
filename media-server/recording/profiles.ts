import type { CodecSpec, MediaKind } from '../media/codecs';
import type { FrameCodec } from './rtpFrames';

/** KMS's MediaProfileSpecType values this recorder writes (without transcoding). */
export const MEDIA_PROFILES = [
  'WEBM',
  'WEBM_AUDIO_ONLY',
  'WEBM_VIDEO_ONLY',
  'MP4',
  'MP4_AUDIO_ONLY',
  'MP4_VIDEO_ONLY',
] as const;
export type MediaProfile = (typeof MEDIA_PROFILES)[number];

export interface ProfileSpec {
  container: 'webm' | 'mp4';
  kinds: readonly MediaKind[];
  /** The codec each kind must arrive in: nothing is transcoded. */
  codecs: Record<MediaKind, FrameCodec>;
}

/**
 * WebM holds VP8 and Opus; MP4 holds H.264 and, for audio, Opus too (KMS would transcode to AAC;
 * Opus in MP4 plays in Chromium, Firefox and ffmpeg).
 */
export function profileSpec(p: MediaProfile): ProfileSpec {
  const container = p.startsWith('WEBM') ? 'webm' : 'mp4';
  const kinds: MediaKind[] = p.endsWith('AUDIO_ONLY')
    ? ['audio']
    : p.endsWith('VIDEO_ONLY')
      ? ['video']
      : ['audio', 'video'];
  return {
    container,
    kinds,
    codecs: { audio: 'opus', video: container === 'webm' ? 'vp8' : 'h264' },
  };
}

/** The frame codec of a negotiated RTP codec, when the recorder/player handles it. */
export function frameCodecOf(c: CodecSpec): FrameCodec | undefined {
  const mime = c.mimeType.toLowerCase();
  if (mime === 'video/vp8') return 'vp8';
  if (mime === 'video/h264') return 'h264';
  if (mime === 'audio/opus') return 'opus';
  return undefined;
}
