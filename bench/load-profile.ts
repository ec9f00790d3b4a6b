/**
 * Where the load generator's CPU goes: one forwarding measurement with every load-generator
 * process under `node --cpu-prof`, then the hot spots of the busiest one, cut to the
 * measurement window (the 16-person room is limited by the load generator, not the server).
 *
 *   npx tsx bench/load-profile.ts --size 16 --seconds 8 [--direct off] [--load-native off]
 *     [--media-native off] [--settle none] [--profile off]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runRoom } from './forwarding/run-room';
import { summarizeProfile } from './lib/cpuprofile';
import { ensureLoopbackOnly } from './lib/netns';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '8' },
    'per-worker': { type: 'string', default: '4' },
    top: { type: 'string', default: '25' },
    /** off: the load generator's receivers stay on werift's lean path (no directRtp.ts) */
    direct: { type: 'string', default: 'on' },
    /** off: the load generator decrypts in JS (the media server keeps its addon) */
    'load-native': { type: 'string', default: 'on' },
    /** off: the media server encrypts and decrypts in JS too (as a checkout without the addon) */
    'media-native': { type: 'string', default: 'on' },
    /** seconds each join may take to settle (run-room settleSeconds); none: no wait */
    settle: { type: 'string', default: '30' },
    /** off: no profile, only the numbers (the profiler costs the load generator ~30 %) */
    profile: { type: 'string', default: 'on' },
  },
});

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moim-load-prof-'));
  // The load workers inherit this environment; the media server gets its own below.
  if (values.direct === 'off') process.env['BENCH_LOAD_DIRECT'] = 'off';
  if (values['load-native'] === 'off') process.env['MEDIA_NATIVE'] = 'off';
  try {
    const r = await runRoom({
      size: Number(values.size),
      seconds: Number(values.seconds),
      warmupSeconds: 2,
      perWorker: Number(values['per-worker']),
      sampleEvery: 1,
      settleSeconds: values.settle === 'none' ? undefined : Number(values.settle),
      flowSeconds: 60,
      loadProfileDir: values.profile === 'off' ? undefined : dir,
      mediaEnv: { MEDIA_NATIVE: values['media-native'] === 'off' ? 'off' : 'on' },
      log: (l) => console.log(l),
    });
    if (!r.ok) throw new Error(r.failure ?? 'failed');
    console.log(
      `in ${r.packetsInPerSecond}/s out ${r.packetsOutPerSecond}/s loss ${r.lossPercent} % ` +
        `media ${r.mediaCpuPerSecond} CPU-s/s load generator ${r.loadGenCpuPerSecond} CPU-s/s`,
    );
    console.log(
      `set-up ${r.setupSeconds} s, machine ${r.machineBusyPercent} % busy, media user ` +
        `${r.mediaUserPerSecond} + system ${r.mediaSystemPerSecond} CPU-s/s, rcvbuf errors ` +
        `${r.udpDatagramsPerSecond.rcvbufErrors}, pacer skipped ${r.pacerSkipped}, ` +
        `duplicates ${r.duplicates}, p50/p99 ${r.latency.p50}/${r.latency.p99} ms`,
    );
    if (values.profile === 'off') return;
    // Main threads only (under tsx, thread 1 is its loader); the busiest is the biggest file.
    const files = readdirSync(dir)
      .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
      .map((f) => path.join(dir, f))
      .sort((a, b) => statSync(b).size - statSync(a).size);
    const file = files[0];
    if (!file) throw new Error('no load-generator profile written');
    const s = summarizeProfile(file, Number(values.top), r.windowUs);
    console.log(`${s.profiledSeconds} s profiled, ${s.busyPercentOfProfile} % busy`);
    for (const h of s.topSelf)
      console.log(`${String(h.selfPercent).padStart(6)} % ${h.name} ${h.where}`);
    console.log('by module:');
    for (const m of s.byModule) console.log(`${String(m.selfPercent).padStart(6)} % ${m.module}`);
    console.log('inclusive:');
    for (const h of s.topInclusive) {
      console.log(`${String(h.totalPercent ?? '').padStart(6)} % ${h.name} ${h.where}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
