/**
 * Counting tests (not steps) from the JSON reports of vitest and Playwright, for the closing line
 * `N passed, N failed` of `npm test` and `.ci/run`.
 */

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export const ZERO: Counts = { passed: 0, failed: 0, skipped: 0 };

export function addCounts(a: Counts, b: Counts): Counts {
  return {
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
  };
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * vitest's `json` reporter (Jest-compatible). A test file that fails to load (syntax error, a throw at
 * import time, a failing `beforeAll`) has no failed test in it but is a failure all the same: each such file
 * counts as one failed test.
 */
export function countVitest(report: unknown): Counts {
  if (!isRecord(report)) throw new Error('vitest report is not an object');
  if (typeof report.numTotalTests !== 'number')
    throw new Error('vitest report has no numTotalTests');
  let brokenFiles = 0;
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  for (const file of files) {
    if (!isRecord(file)) continue;
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    const anyFailed = assertions.some((a) => isRecord(a) && a.status === 'failed');
    if (file.status === 'failed' && !anyFailed) brokenFiles += 1;
  }
  return {
    passed: num(report.numPassedTests),
    failed: num(report.numFailedTests) + brokenFiles,
    skipped: num(report.numPendingTests) + num(report.numTodoTests),
  };
}

/**
 * Playwright's `json` reporter: `stats.expected` passed, `stats.flaky` passed on a retry (counted as
 * passed, as Playwright does), `stats.unexpected` failed. Errors outside any test (a broken config, a global
 * setup that threw, a web server that did not start) count as one failed test each.
 */
export function countPlaywright(report: unknown): Counts {
  if (!isRecord(report) || !isRecord(report.stats))
    throw new Error('Playwright report has no stats');
  const { stats } = report;
  const errors = Array.isArray(report.errors) ? report.errors.length : 0;
  return {
    passed: num(stats.expected) + num(stats.flaky),
    failed: num(stats.unexpected) + errors,
    skipped: num(stats.skipped),
  };
}

/** The closing line. `N skipped` only when something was skipped. */
export function formatCounts(counts: Counts): string {
  const base = `${counts.passed} passed, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${base}, ${counts.skipped} skipped` : base;
}
