/**
 * Media fixtures and checks made with Debian's ffmpeg (scripts/lib/ffmpeg.ts installs it): a real
 * VP8+Opus WebM and an H.264(+Opus) MP4 to publish from, and ffprobe to read what was recorded.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A test picture with a moving element and a tone, a keyframe every third of a second. */
export function makeFixture(dir: string, kind: 'webm' | 'mp4', seconds: number): string {
  const out = path.join(dir, `fixture.${kind}`);
  const video =
    kind === 'webm'
      ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8']
      : [
          '-c:v',
          'libx264',
          '-profile:v',
          'baseline',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-bf',
          '0',
        ];
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=30:duration=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
      ...video,
      ...['-g', '10', '-pix_fmt', 'yuv420p'], // a lost packet costs at most 10 frames
      ...['-c:a', 'libopus', '-b:a', '32k', '-ac', '2', '-ar', '48000'],
      ...(kind === 'mp4' ? ['-strict', '-2'] : []),
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

export interface ProbedStream {
  codec_type: 'audio' | 'video';
  codec_name: string;
  width?: number;
  height?: number;
  nb_read_frames?: string;
  nb_read_packets?: string;
  start_time?: string;
}

export interface Probe {
  streams: ProbedStream[];
  format: { format_name: string; duration?: string; start_time?: string };
}

/** ffprobe's view of a file, decoding every frame to count them. */
export function probe(file: string): Probe {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Probe;
}
