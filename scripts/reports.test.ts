import { describe, expect, it } from 'vitest';

import { countPlaywright, countVitest, formatCounts } from './lib/reports';
import { parseArgs, reconcile } from './lib/test-runner';

describe('countVitest', () => {
  it('counts passed, failed and skipped tests', () => {
    const report = {
      numTotalTests: 7,
      numPassedTests: 4,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [
        { status: 'passed', assertionResults: [{ status: 'passed' }] },
        { status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] },
      ],
    };
    expect(countVitest(report)).toEqual({ passed: 4, failed: 1, skipped: 2 });
  });

  it('counts a file that failed to load as one failed test', () => {
    const report = {
      numTotalTests: 2,
      numPassedTests: 2,
      numFailedTests: 0,
      testResults: [
        { status: 'passed', assertionResults: [{ status: 'passed' }, { status: 'passed' }] },
        { status: 'failed', message: 'SyntaxError', assertionResults: [] },
      ],
    };
    expect(countVitest(report)).toEqual({ passed: 2, failed: 1, skipped: 0 });
  });

  it('rejects something that is not a vitest report', () => {
    expect(() => countVitest({ stats: {} })).toThrow();
  });
});

describe('countPlaywright', () => {
  it('counts flaky as passed and errors outside tests as failed', () => {
    const report = {
      stats: { expected: 5, unexpected: 1, flaky: 1, skipped: 2 },
      errors: [{ message: 'x' }],
    };
    expect(countPlaywright(report)).toEqual({ passed: 6, failed: 2, skipped: 2 });
  });

  it('rejects a report without stats', () => {
    expect(() => countPlaywright({})).toThrow();
  });
});

describe('reconcile', () => {
  const ok = { code: 0, signal: null, timedOut: false };
  it('keeps the counts of a clean run', () => {
    expect(reconcile({ passed: 3, failed: 0, skipped: 0 }, ok)).toEqual({
      passed: 3,
      failed: 0,
      skipped: 0,
    });
  });
  it('turns a failed run without failed tests into one failure', () => {
    expect(reconcile({ passed: 3, failed: 0, skipped: 0 }, { ...ok, code: 1 })).toEqual({
      passed: 3,
      failed: 1,
      skipped: 0,
    });
    expect(reconcile(undefined, { ...ok, code: null, timedOut: true }).failed).toBe(1);
  });
  it('counts a clean exit without any report as a failure', () => {
    expect(reconcile(undefined, ok).failed).toBe(1);
  });
});

describe('closing line', () => {
  it('reads "N passed, N failed"', () => {
    expect(formatCounts({ passed: 12, failed: 0, skipped: 0 })).toBe('12 passed, 0 failed');
    expect(formatCounts({ passed: 3, failed: 2, skipped: 1 })).toBe(
      '3 passed, 2 failed, 1 skipped',
    );
    expect(formatCounts({ passed: 3, failed: 2, skipped: 1 })).toMatch(
      /^\d+ passed, \d+ failed(, \d+ skipped)?$/,
    );
  });
});

describe('parseArgs', () => {
  it('runs every phase by default, in order', () => {
    expect(parseArgs([], {})).toEqual({ phases: ['unit', 'build', 'smoke', 'e2e'], netns: true });
  });
  it('keeps the canonical order of the phases asked for', () => {
    expect(parseArgs(['e2e', 'build'], {}).phases).toEqual(['build', 'e2e']);
  });
  it('can run without the network namespace', () => {
    expect(parseArgs(['--no-netns'], {}).netns).toBe(false);
    expect(parseArgs([], { MOIM_NO_NETNS: '1' }).netns).toBe(false);
  });
  it('rejects unknown arguments', () => {
    expect(() => parseArgs(['--watch'], {})).toThrow(/unknown argument/);
  });
});
