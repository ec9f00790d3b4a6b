import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { openIssueRows } from './openIssues';

const dirs: string[] = [];
function resultsWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moim-summary-'));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files))
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(data));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const run = (packetsPerCpuSecond: number, mediaRssMB = 50, lossPercent = 0) => ({
  ok: true,
  packetsPerCpuSecond,
  mediaRssMB,
  lossPercent,
});

describe('openIssueRows', () => {
  it('takes the newest Janus comparison and its last Moim arm, with medians per N', () => {
    const dir = resultsWith({
      older: {
        arms: [
          { label: 'janus', sfu: 'janus' },
          { label: 'moim', sfu: 'moim' },
        ],
        started: '2026-01-01T00:00:00Z',
        results: { 'janus/8': [run(100)], 'moim/8': [run(1)] },
      },
      newer: {
        arms: [
          { label: 'janus', sfu: 'janus' },
          { label: 'base', sfu: 'moim' },
          { label: 'new', sfu: 'moim' },
        ],
        started: '2026-02-01T00:00:00Z',
        results: {
          'janus/8': [run(100), run(300)],
          'base/8': [run(1)],
          'new/8': [run(150, 70), run(250, 90), { ...run(1), ok: false }],
          'janus/16': [run(100)],
          'new/16': [run(120, 100, 0.4)],
        },
      },
    });
    const rows = openIssueRows(dir);
    const ratio = rows.find((r) => r.target.startsWith('Moim ÷ Janus'));
    // new/8 median 200 over janus/8 median 200; new/16 120 over 100; the failed run is left out.
    expect(ratio).toMatchObject({ measured: '8: 1, 16: 1.2', met: true });
    expect(ratio?.source).toContain('newer');
    expect(rows.find((r) => r.target.startsWith('media-server RSS'))).toMatchObject({
      measured: '80 MB',
      met: true,
    });
    expect(rows.find((r) => r.target.startsWith('16-person'))).toMatchObject({ met: true });
  });

  it('needs five runs for a recovery verdict and compares the p50 with 3 s', () => {
    const runs = (ms: number[]) => ms.map((recoveryMs) => ({ recoveryMs }));
    const dir = resultsWith({
      net: {
        machine: { date: '2026-02-01T00:00:00Z' },
        recovery: [
          { label: 'path cut 5 s', runs: runs([1000, 2000, 9000, 2500, 2900]) },
          { label: 'address change', runs: runs([1000, 1000]) },
        ],
      },
    });
    const rows = openIssueRows(dir);
    expect(rows.find((r) => r.target.includes('path cut'))).toMatchObject({
      measured: '2500 ms (5 runs)',
      met: true,
    });
    expect(rows.find((r) => r.target.includes('address change'))).toMatchObject({
      met: undefined,
    });
  });

  it('reads the join targets from the newest file that measured each room size', () => {
    const summary = (arm: string, participants: number, total: number, allRemotes: number) => ({
      arm,
      participants,
      median: { total, allRemotes },
    });
    const dir = resultsWith({
      rooms: {
        machine: { date: '2026-02-01T00:00:00Z' },
        summaries: [summary('base', 8, 900, 2000), summary('new', 8, 400, 790)],
      },
      pairs: {
        machine: { date: '2026-03-01T00:00:00Z' },
        summaries: [summary('base', 2, 500, 500), summary('new', 2, 320, 320)],
      },
    });
    const rows = openIssueRows(dir);
    expect(rows.find((r) => r.target.includes('2 people'))).toMatchObject({
      measured: '320 ms',
      met: false,
    });
    expect(rows.find((r) => r.target.includes('room of 8'))).toMatchObject({
      measured: '790 ms',
      met: true,
      source: 'rooms (2026-02-01T00:00, arm new)',
    });
  });
});
