import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { medianPairedRatio, pairedRatios, windowSeconds } from './paired';
import { CpuMeter, threadRuntimes } from './schedstat';

/** Burns CPU on the calling thread: a fixed amount of arithmetic, not a fixed time. */
function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

describe('schedstat CPU meter', () => {
  it('reads every thread of this process, and the main thread runtime grows with work', () => {
    const before = threadRuntimes(process.pid);
    expect(before.size).toBeGreaterThan(1); // node always has V8's and libuv's helper threads
    spin(20_000_000);
    const after = threadRuntimes(process.pid);
    const main = (m: typeof before): number => m.get(process.pid)?.ns ?? Number.NaN;
    expect(main(after)).toBeGreaterThan(main(before));
  });

  it('counts a thread that exits during the window, and agrees with getrusage', async () => {
    const meter = new CpuMeter(process.pid, { prefix: 'none-' });
    const rusage0 = process.cpuUsage();
    meter.start(10_000); // no timer poll in this test: the explicit one below
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       let x = 0;
       for (let i = 0; i < 60_000_000; i++) x = (x * 31 + i) % 1_000_003;
       parentPort.postMessage(x);
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    meter.poll(); // the worker's runtime is in; it ran nothing since
    await worker.terminate();
    spin(10_000_000);
    const cpu = process.cpuUsage(rusage0);
    const m = meter.stop();
    const rusageSeconds = (cpu.user + cpu.system) / 1e6;
    expect(m.exited).toBeGreaterThanOrEqual(1);
    expect(m.prefixSeconds).toBe(0);
    // getrusage(RUSAGE_SELF) includes exited threads (µs): the two meters see the same work, less
    // what the worker did between the poll and its exit (its teardown).
    expect(Math.abs(m.seconds - rusageSeconds)).toBeLessThan(0.02 + 0.1 * rusageSeconds);
    expect(m.seconds).toBeGreaterThan(0.05);
  });
});

describe('bench:compare paired ratios and windows', () => {
  it('pairs rounds, skipping a round where either run did not set up', () => {
    expect(pairedRatios([100, 200, undefined, 50], [110, 180, 300, Number.NaN])).toEqual([
      1.1, 0.9,
    ]);
    // Drift between rounds: B is 1.2× A in every round while the machine halves; the ratio of
    // the medians reads 1.2 only by luck of the middle round, the paired median always.
    expect(medianPairedRatio([100, 50, 25], [120, 60, 30])).toBeCloseTo(1.2, 10);
    expect(medianPairedRatio([100, 50, 200, 20], [120, 60, 240, 24])).toBeCloseTo(1.2, 10);
    expect(Number.isNaN(medianPairedRatio([undefined], [1]))).toBe(true);
  });

  it('gives a small room at least 20 s unless its size is named', () => {
    expect([...windowSeconds('8', [2, 4, 16])]).toEqual([
      [2, 20],
      [4, 8],
      [16, 8],
    ]);
    expect([...windowSeconds('2:6,4:12,5', [2, 4, 16])]).toEqual([
      [2, 6],
      [4, 12],
      [16, 5],
    ]);
    expect([...windowSeconds('30', [2])]).toEqual([[2, 30]]);
    expect(() => windowSeconds('2:x', [2])).toThrow(/--seconds/);
  });
});
