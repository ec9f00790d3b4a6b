/**
 * What a recorded file holds, as ffprobe (Debian's ffmpeg) reads it: its container, its streams
 * and the time of every packet, without decoding (the tests' audio is tagged, not real Opus).
 */
import { execFileSync } from 'node:child_process';

export interface ProbedStream {
  index: number;
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

export interface ProbedFile {
  format: { format_name: string };
  streams: ProbedStream[];
  packets: { stream_index: number; pts_time?: string }[];
}

export function probeFile(file: string): ProbedFile {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_format', '-show_streams', '-show_packets', '-of', 'json', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(out) as Partial<ProbedFile>;
  return {
    format: parsed.format ?? { format_name: '' },
    streams: parsed.streams ?? [],
    packets: parsed.packets ?? [],
  };
}

/** The stream kinds (`audio`, `video`) a file holds, with their codecs, in a stable order. */
export function streamsOf(probe: ProbedFile): string[] {
  return probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
}

/** The presentation times (seconds, ascending) of the packets of the `kind` stream. */
export function packetTimes(probe: ProbedFile, kind: 'audio' | 'video'): number[] {
  const stream = probe.streams.find((s) => s.codec_type === kind);
  if (!stream) return [];
  return probe.packets
    .filter((p) => p.stream_index === stream.index && p.pts_time !== undefined)
    .map((p) => Number(p.pts_time))
    .sort((a, b) => a - b);
}

/** The longest stretch without a packet between the first and the last one. */
export function largestGap(times: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}
