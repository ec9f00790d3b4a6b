import { describe, expect, it } from 'vitest';

import { recordingProfile } from '../kurento/recorder';
import { containerFor, videoCodecOf } from './container';

function answer(video: string | undefined): string {
  const lines = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:0',
    'a=rtpmap:111 opus/48000/2',
    ...(video === undefined ? [] : video.split('\n')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

describe('the container of a publication file', () => {
  it('is MP4 for H.264 and WebM for VP8, read from the first video payload type', () => {
    const h264 =
      'm=video 9 UDP/TLS/RTP/SAVPF 102 96\na=rtpmap:96 VP8/90000\na=rtpmap:102 H264/90000';
    expect(videoCodecOf(answer(h264))).toBe('H264');
    expect(containerFor(answer(h264))).toBe('mp4');
    const vp8 =
      'm=video 9 UDP/TLS/RTP/SAVPF 96 102\na=rtpmap:96 VP8/90000\na=rtpmap:102 H264/90000';
    expect(videoCodecOf(answer(vp8))).toBe('VP8');
    expect(containerFor(answer(vp8))).toBe('webm');
  });

  it('is WebM without video, or when the video was refused (port 0)', () => {
    expect(videoCodecOf(answer(undefined))).toBeUndefined();
    expect(containerFor(answer(undefined))).toBe('webm');
    const refused = 'm=video 0 UDP/TLS/RTP/SAVPF 102\na=rtpmap:102 H264/90000';
    expect(videoCodecOf(answer(refused))).toBeUndefined();
    expect(containerFor('not an sdp')).toBe('webm');
  });

  it('has a profile naming exactly the kinds the file holds (KMS waits for each one it names)', () => {
    expect(recordingProfile('webm', new Set(['AUDIO', 'VIDEO']))).toBe('WEBM');
    expect(recordingProfile('mp4', new Set(['AUDIO', 'VIDEO']))).toBe('MP4');
    expect(recordingProfile('webm', new Set(['AUDIO']))).toBe('WEBM_AUDIO_ONLY');
    expect(recordingProfile('mp4', new Set(['VIDEO']))).toBe('MP4_VIDEO_ONLY');
  });
});
