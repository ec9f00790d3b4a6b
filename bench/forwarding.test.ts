/**
 * Smoke run of the forwarding and profile tools: one room of 2 for a couple of seconds through the
 * real signaling server, kurento-client and media-server processes, with the media server profiled.
 * Needs a loopback-only network namespace when root (npm test provides one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runRoom } from './forwarding/run-room';
import { mainThreadProfile, summarizeProfile } from './lib/cpuprofile';

const profileDir = mkdtempSync(path.join(os.tmpdir(), 'moim-bench-prof-'));
afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

describe('forwarding benchmark (smoke)', () => {
  it('measures a room of 2 and profiles the media server', { timeout: 60_000 }, async () => {
    const r = await runRoom({
      size: 2,
      seconds: 2,
      warmupSeconds: 0.5,
      perWorker: 2,
      sampleEvery: 4,
      cpuProfileDir: profileDir,
    });
    expect(r.failure).toBeUndefined();
    expect(r.ok).toBe(true);
    // 2 publishers × 120 packets/s, each forwarded to the other one.
    expect(r.packetsInPerSecond).toBeGreaterThan(150);
    expect(r.packetsOutPerSecond).toBeGreaterThan(100);
    expect(r.lossPercent).toBeLessThan(20);
    expect(r.mediaCpuPerSecond).toBeGreaterThan(0);
    expect(r.packetsPerCpuSecond).toBeGreaterThan(0);
    expect(r.latency.p50).toBeGreaterThan(0);
    const profile = mainThreadProfile(profileDir, 0);
    expect(profile).toBeDefined();
    const summary = summarizeProfile(profile ?? '', 5, r.windowUs);
    expect(summary.topSelf.length).toBeGreaterThan(0);
    expect(summary.byModule.length).toBeGreaterThan(0);
  });
});
