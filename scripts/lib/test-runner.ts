/**
 * `npm test`: every test of the project, the way CI runs them.
 *
 *   1. Find Chromium (CHROMIUM_PATH, Playwright's own browser, /usr/bin/chromium; as root on Debian, install
 *      Debian's `chromium`) and export CHROMIUM_PATH for the Playwright config.
 *   2. As root, re-run itself inside a network namespace that has only loopback, so no media leaves it.
 *   3. vitest (unit and integration), the production build, the production smoke test (the built server
 *      started the way the Docker image starts it), Playwright.
 *   4. Close with `N passed, N failed` (tests, not steps).
 *
 * Phases can be picked: `npm test -- unit`, `npm test -- build smoke`, `npm test -- e2e`.
 * `MOIM_NO_NETNS=1` runs without the namespace even as root.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromiumInstallPlan, findChromium, type ChromiumFound } from './chromium';
import { ensureTestTools } from './test-tools';
import { onPath, run, describeFailure, type RunResult } from './process';
import {
  addCounts,
  countPlaywright,
  countVitest,
  formatCounts,
  ZERO,
  type Counts,
} from './reports';

export const PHASES = ['unit', 'build', 'smoke', 'e2e'] as const;
export type Phase = (typeof PHASES)[number];

export const NETNS_MARKER = 'MOIM_TEST_NETNS';
export const PLAYWRIGHT_CONFIG = 'e2e/playwright.config.ts';
export const SMOKE_CONFIG = 'scripts/vitest.smoke.config.ts';

const MINUTE = 60_000;
const TIMEOUTS: Record<Phase, number> = {
  unit: 12 * MINUTE,
  build: 8 * MINUTE,
  smoke: 3 * MINUTE,
  e2e: 35 * MINUTE,
};

export interface Options {
  phases: Phase[];
  netns: boolean;
}

export type Env = Record<string, string | undefined>;

export function parseArgs(argv: readonly string[], env: Env): Options {
  const phases: Phase[] = [];
  let netns = env.MOIM_NO_NETNS !== '1';
  for (const arg of argv) {
    if (arg === '--no-netns') netns = false;
    else if ((PHASES as readonly string[]).includes(arg)) phases.push(arg as Phase);
    else
      throw new Error(
        `unknown argument ${arg}; expected any of ${PHASES.join(', ')} or --no-netns`,
      );
  }
  return {
    phases: phases.length > 0 ? PHASES.filter((p) => phases.includes(p)) : [...PHASES],
    netns,
  };
}

function log(line: string): void {
  console.log(line);
}

function header(title: string): void {
  log(`\n━━━ ${title} ━━━`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function playwrightChromiumPath(): Promise<string | undefined> {
  try {
    const { chromium } = await import('@playwright/test');
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** Finds Chromium, installing Debian's package when we are root on Debian; returns undefined when none. */
async function resolveChromium(env: Env): Promise<ChromiumFound | string> {
  const lookup = async () =>
    findChromium({ env, exists: isExecutable, playwrightPath: await playwrightChromiumPath() });
  const first = await lookup();
  if (first.ok) return first.chromium;
  const plan = chromiumInstallPlan({
    isRoot: process.getuid?.() === 0,
    isDebian: existsSync('/etc/debian_version') && onPath('apt-get'),
    explicitPath: Boolean(env.CHROMIUM_PATH?.trim()),
  });
  if (plan.kind === 'manual') return `${first.reason}\n${plan.message}`;
  log("No Chromium found; installing Debian's chromium package (running as root).");
  for (const [command, ...args] of plan.commands) {
    if (command === undefined) continue;
    log(`$ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } as unknown as NodeJS.ProcessEnv,
    });
    if (result.status !== 0)
      return `\`${command} ${args.join(' ')}\` failed (exit ${result.status}).`;
  }
  const second = await lookup();
  return second.ok ? second.chromium : `${second.reason} (even after apt-get install chromium)`;
}

/** Whether `unshare -n` with a loopback interface works here (root, and a kernel and container that allow it). */
function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0 || process.platform !== 'linux') return false;
  if (!onPath('unshare') || !onPath('ip')) return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], {
    stdio: 'ignore',
    timeout: 10_000,
  });
  return probe.status === 0;
}

interface PhaseOutcome {
  phase: Phase;
  status: 'passed' | 'failed' | 'skipped';
  counts: Counts;
  note: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Counts from a report, reconciled with the exit status: a runner that failed without a failed test (a
 * crash, an unhandled error, a timeout) is one failure, never a silent pass.
 */
export function reconcile(
  counts: Counts | undefined,
  result: Pick<RunResult, 'code' | 'signal' | 'timedOut' | 'spawnError'>,
): Counts {
  const ok = result.code === 0 && !result.timedOut && !result.spawnError && result.signal === null;
  const base = counts ?? ZERO;
  if (!ok && base.failed === 0) return { ...base, failed: 1 };
  if (ok && counts === undefined) return { ...base, failed: 1 };
  return base;
}

/** A phase that could not run at all counts as one failure, so a broken run never reads "0 failed". */
function couldNotRun(phase: Phase, note: string): PhaseOutcome {
  return { phase, status: 'failed', counts: { ...ZERO, failed: 1 }, note };
}

function outcome(phase: Phase, counts: Counts, result: RunResult, label: string): PhaseOutcome {
  const failed = counts.failed > 0 || result.code !== 0;
  return {
    phase,
    status: failed ? 'failed' : 'passed',
    counts,
    note: failed ? `${label}: ${describeFailure(result)}` : label,
  };
}

export async function main(argv: readonly string[], root: string): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(argv, process.env);
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    return 2;
  }
  const env: Env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const insideNetns = env[NETNS_MARKER] === '1';
  let chromiumProblem: string | undefined;

  if (!insideNetns) {
    if (options.phases.includes('e2e')) {
      header('Chromium');
      const chromium = await resolveChromium(env);
      if (typeof chromium === 'string') {
        chromiumProblem = chromium;
        console.error(chromium);
      } else {
        env.CHROMIUM_PATH = chromium.path;
        const version = spawnSync(chromium.path, ['--version'], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        log(`CHROMIUM_PATH=${chromium.path} (${chromium.source}) ${version.stdout?.trim() ?? ''}`);
      }
    }
    if (options.phases.includes('unit') || options.phases.includes('e2e')) {
      ensureTestTools(env, root, log);
    }
    if (options.netns && netnsAvailable()) {
      header('Network namespace');
      log(
        'Running as root: re-running inside a network namespace with only loopback (unshare -n).',
      );
      const script = join(root, 'scripts', 'test.mjs');
      // The inner run writes its counts here; if it dies before that, this run still closes with a count.
      const summaryPath =
        env.MOIM_TEST_SUMMARY ?? join(tmpdir(), `moim-test-summary-${process.pid}.json`);
      rmSync(summaryPath, { force: true });
      const result = await run(
        'unshare',
        [
          '-n',
          'sh',
          '-c',
          // A veth pair with an address no route leads out of: Chromium without camera permission
          // gathers no ICE candidate at all when the namespace has only loopback, so the browser
          // tests for that case would skip. Media still flows on 127.0.0.1 (the server announces only
          // that), and nothing in the namespace reaches beyond it.
          'ip link set lo up && { ip link add moim0 type veth peer name moim1 && ' +
            'ip addr add 10.254.0.1/24 dev moim0 && ip link set moim0 up && ip link set moim1 up || ' +
            'echo "note: no veth pair in the namespace; permission-denied browser tests will skip"; } && ' +
            'exec "$0" "$@"',
          process.execPath,
          script,
          ...argv,
        ],
        {
          cwd: root,
          env: {
            ...env,
            [NETNS_MARKER]: '1',
            MOIM_TEST_SUMMARY: summaryPath,
            ...(chromiumProblem ? { MOIM_CHROMIUM_PROBLEM: chromiumProblem } : {}),
          },
          timeoutMs: Object.values(TIMEOUTS).reduce((a, b) => a + b, 0),
        },
      );
      const written = readJson(summaryPath);
      if (env.MOIM_TEST_SUMMARY === undefined) rmSync(summaryPath, { force: true });
      if (written === undefined) {
        console.error(
          `\nThe test run inside the namespace ended (${describeFailure(result)}) without a count.`,
        );
        if (env.MOIM_TEST_SUMMARY !== undefined) {
          writeFileSync(env.MOIM_TEST_SUMMARY, JSON.stringify({ ...ZERO, failed: 1 }));
        }
        log(formatCounts({ ...ZERO, failed: 1 }));
        return 1;
      }
      return result.code ?? 1;
    }
    if (options.netns && process.getuid?.() === 0) {
      log('\nNote: `unshare -n` is not available here; running on the host network.');
    }
  } else {
    chromiumProblem = env.MOIM_CHROMIUM_PROBLEM || undefined;
    delete env.MOIM_CHROMIUM_PROBLEM;
  }

  const work = mkdtempSync(join(tmpdir(), 'moim-test-'));
  const outcomes: PhaseOutcome[] = [];
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  let built = !options.phases.includes('build') && existsSync(join(root, 'dist', 'server.js'));

  const vitest = async (phase: Phase, extra: string[]) => {
    const report = join(work, `${phase}.vitest.json`);
    const result = await run(
      bin('vitest'),
      ['run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      { cwd: root, env, timeoutMs: TIMEOUTS[phase] },
    );
    const raw = readJson(report);
    let counts: Counts | undefined;
    try {
      counts = raw === undefined ? undefined : countVitest(raw);
    } catch {
      counts = undefined;
    }
    return outcome(phase, reconcile(counts, result), result, 'vitest');
  };

  for (const phase of options.phases) {
    switch (phase) {
      case 'unit': {
        header('Unit and integration tests (vitest run)');
        outcomes.push(await vitest('unit', []));
        break;
      }
      case 'build': {
        header('Production build (npm run build)');
        const result = await run('npm', ['run', 'build'], {
          cwd: root,
          env,
          timeoutMs: TIMEOUTS.build,
        });
        built = result.code === 0;
        // A failed build is counted as one failed test so that the closing line never says "0 failed"
        // on a run that failed.
        outcomes.push(
          outcome('build', built ? ZERO : { ...ZERO, failed: 1 }, result, 'npm run build'),
        );
        break;
      }
      case 'smoke': {
        header('Production smoke test (node dist/server.js, as in the Docker image)');
        if (!built) {
          log('Not run: there is no successful build (run `npm run build` first).');
          outcomes.push(couldNotRun(phase, 'no build'));
          break;
        }
        outcomes.push(await vitest('smoke', ['--config', SMOKE_CONFIG]));
        break;
      }
      case 'e2e': {
        header(`Browser tests (playwright test -c ${PLAYWRIGHT_CONFIG})`);
        if (chromiumProblem) {
          console.error(chromiumProblem);
          outcomes.push(couldNotRun(phase, 'no Chromium'));
          break;
        }
        if (!built) {
          log('Not run: there is no successful build (run `npm run build` first).');
          outcomes.push(couldNotRun(phase, 'no build'));
          break;
        }
        const report = join(work, 'playwright.json');
        const result = await run(
          bin('playwright'),
          ['test', '-c', PLAYWRIGHT_CONFIG, '--reporter=list,json'],
          {
            cwd: root,
            env: {
              ...env,
              PLAYWRIGHT_JSON_OUTPUT_FILE: report,
            },
            timeoutMs: TIMEOUTS.e2e,
          },
        );
        const raw = readJson(report);
        let counts: Counts | undefined;
        try {
          counts = raw === undefined ? undefined : countPlaywright(raw);
        } catch {
          counts = undefined;
        }
        outcomes.push(outcome('e2e', reconcile(counts, result), result, 'playwright'));
        break;
      }
      default: {
        const never: never = phase;
        throw new Error(`unknown phase ${String(never)}`);
      }
    }
  }
  rmSync(work, { recursive: true, force: true });

  const total = outcomes.reduce((sum, o) => addCounts(sum, o.counts), ZERO);
  header('Summary');
  for (const o of outcomes) {
    log(
      `${o.status.padEnd(7)} ${o.phase.padEnd(6)} ${formatCounts(o.counts).padEnd(34)} ${o.note}`,
    );
  }
  const summaryPath = env.MOIM_TEST_SUMMARY;
  if (summaryPath) writeFileSync(summaryPath, JSON.stringify(total));
  const failed = outcomes.some((o) => o.status === 'failed') || total.failed > 0;
  log(formatCounts(failed && total.failed === 0 ? { ...total, failed: 1 } : total));
  return failed ? 1 : 0;
}
