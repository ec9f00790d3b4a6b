/**
 * CPU profile of the media server under an N-person forwarding load (default 8):
 * runs one forwarding measurement with the media server under `node --cpu-prof`, then names the
 * hot spots (self time by function and by module, and inclusive time) in bench/RESULTS.md.
 *
 *   npm run bench:profile -- --size 8 --seconds 15
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runRoom } from './forwarding/run-room';
import { mainThreadProfile, summarizeProfile, type ProfileSummary } from './lib/cpuprofile';
import { ensureLoopbackOnly } from './lib/netns';
import { buildHead } from './lib/build';
import { machineInfo, machineMarkdown, repoRoot } from './lib/machine';
import {
  commandLine,
  resultsDir,
  table,
  timestampForFile,
  upsertSection,
  writeJson,
} from './lib/report';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'per-worker': { type: 'string', default: '4' },
    /** run the production bundle (dist/media-server.js) of committed HEAD, built in /tmp */
    build: { type: 'boolean', default: false },
    /** run the servers from this built tree (made by --build earlier) */
    root: { type: 'string' },
    sample: { type: 'string', default: '8' },
    top: { type: 'string', default: '15' },
    out: { type: 'string', default: 'profile' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

function markdown(s: ProfileSummary, size: number, extra: string, command: string): string {
  return [
    `## CPU profile of the media server, room of ${size}`,
    '',
    machineMarkdown(machineInfo()),
    `- command: \`${command}\``,
    `- ${extra}`,
    `- profile: \`${path.relative(repoRoot, s.file)}\` (not committed), cut to the ` +
      `${s.profiledSeconds} s measurement window, ${s.busyPercentOfProfile}% of it busy (on one thread)`,
    '',
    '### Self time by function (share of busy time)',
    '',
    table(
      ['%', 'function', 'where'],
      s.topSelf.map((h) => [h.selfPercent, `\`${h.name}\``, `\`${h.where}\``]),
    ),
    '',
    '### Self time by module',
    '',
    table(
      ['%', 'module'],
      s.byModule.map((m) => [m.selfPercent, `\`${m.module}\``]),
    ),
    '',
    '### Inclusive time (function and everything it calls)',
    '',
    table(
      ['%', 'function', 'where'],
      s.topInclusive.map((h) => [h.totalPercent ?? '', `\`${h.name}\``, `\`${h.where}\``]),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const size = Number(values.size);
  const dir = path.join(resultsDir, 'profiles', timestampForFile());
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const root = values.root ?? (values.build ? buildHead((l) => console.log(l)) : undefined);
  const room = await runRoom({
    root,
    size,
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    perWorker: Number(values['per-worker']),
    sampleEvery: Number(values.sample),
    cpuProfileDir: dir,
    log: (l) => console.log(l),
  });
  if (!room.ok) throw new Error(`room failed: ${room.failure ?? ''}`);
  const file = mainThreadProfile(dir, started);
  if (!file)
    throw new Error(`no .cpuprofile in ${dir}: did the media server exit cleanly on SIGTERM?`);
  const summary = summarizeProfile(file, Number(values.top), room.windowUs);
  const command = commandLine();
  const extra =
    `media server: ${root ? `production bundle in \`${root}\`` : '`media-server/main.ts` under tsx'}; during the run: ${room.packetsInPerSecond} pkts/s in, ${room.packetsOutPerSecond} out, ` +
    `${room.mediaCpuPerSecond} CPU-s/s → ${room.packetsPerCpuSecond} pkts per CPU-second (profiler on, so slower)`;
  writeJson(values.out ?? 'profile', { machine: machineInfo(), command, room, summary });
  if (!values['no-markdown']) upsertSection('profile', markdown(summary, size, extra, command));
  for (const h of summary.topSelf.slice(0, 10))
    console.log(`${h.selfPercent}%  ${h.name}  ${h.where}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
