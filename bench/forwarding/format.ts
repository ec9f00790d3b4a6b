/** The forwarding benchmark's markdown. */
import type { MachineInfo } from '../lib/machine';
import { machineMarkdown } from '../lib/machine';
import { table } from '../lib/report';
import type { RoomResult } from './run-room';

export interface SizeSummary {
  size: number;
  /** the run with the median packets per CPU-second */
  median: RoomResult;
  runs: RoomResult[];
}

const f = (v: number): string => (Number.isFinite(v) ? String(v) : '–');

export function forwardingMarkdown(
  machine: MachineInfo,
  command: string,
  params: string,
  sizes: SizeSummary[],
  jsonFile: string,
): string {
  const rows = sizes.map(({ size, median: r, runs }) => {
    const okRuns = runs.filter((x) => x.ok);
    const ppcs = okRuns.map((x) => x.packetsPerCpuSecond);
    const spread = ppcs.length > 1 ? ` (${Math.min(...ppcs)}–${Math.max(...ppcs)})` : '';
    if (!r.ok) return [size, `failed: ${r.failure ?? '?'}`, '', '', '', '', '', '', '', '', ''];
    return [
      size,
      f(r.packetsInPerSecond),
      f(r.packetsOutPerSecond),
      f(r.mediaCpuPerSecond),
      `**${f(r.packetsPerCpuSecond)}**${spread}`,
      `${f(r.mediaRssMB)} (idle ${f(r.mediaRssIdleMB)})`,
      f(r.rssPerParticipantMB),
      f(r.lossPercent),
      `${f(r.latency.p50)} / ${f(r.latency.p95)} / ${f(r.latency.p99)}`,
      `${f(r.loadGenCpuPerSecond)} / ${f(r.signalingCpuPerSecond)}`,
      `${f(r.machineBusyPercent)} / ${f(r.loadAverage1m)}`,
    ];
  });
  return [
    '## Forwarding capacity of the embedded media server',
    '',
    machineMarkdown(machine),
    `- command: \`${command}\``,
    `- ${params}`,
    `- raw results: \`${jsonFile}\``,
    '',
    table(
      [
        'N',
        'pkts in/s',
        'pkts out/s',
        'media CPU s/s',
        'pkts (in+out) per CPU-s',
        'media RSS MB',
        'RSS MB / participant',
        'loss %',
        'added latency p50/p95/p99 ms',
        'load-gen / signaling CPU s/s',
        'machine busy % / load 1m',
      ],
      rows,
    ),
    '',
    'Each participant publishes VP8 (30 fps, 70 packets/s of 1,000 bytes) + Opus (50 packets/s) and ' +
      'subscribes to every other participant. "in" = RTP packets the publishers sent in the window, ' +
      '"out" = distinct RTP packets the subscribers received; loss = 1 − out / (in × (N − 1)). ' +
      'CPU and RSS are read from /proc of the media-server process only; latency is receive time − ' +
      'send time embedded in the payload (CLOCK_MONOTONIC), so it includes both werift client stacks.',
  ].join('\n');
}
