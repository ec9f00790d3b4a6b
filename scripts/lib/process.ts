import { spawn, spawnSync } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Whether the command could not be started at all (missing binary). */
  spawnError?: Error;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Kill the command's whole process group after this long. */
  timeoutMs: number;
}

const running = new Set<number>();
let forwarding = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** On Ctrl-C or SIGTERM, pass the signal on to every command we started, then exit. */
function forwardSignals(): void {
  if (forwarding) return;
  forwarding = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const pid of running) killGroup(pid, signal);
      process.exitCode = 130;
      setTimeout(() => process.exit(130), 5_000).unref();
    });
  }
}

/**
 * Runs a command with inherited stdio in its own process group, so a timeout or Ctrl-C stops it and
 * everything it started (a web server, browsers, media servers).
 */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  forwardSignals();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: 'inherit',
      detached: true,
    });
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(
        `\n✖ ${command} ${args.join(' ')} ran longer than ${Math.round(options.timeoutMs / 1000)} s; stopping it.`,
      );
      if (child.pid !== undefined) {
        killGroup(child.pid, 'SIGTERM');
        setTimeout(
          () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'),
          10_000,
        ).unref();
      }
    }, options.timeoutMs);
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid !== undefined) {
        running.delete(child.pid);
        // Whatever the command left behind in its group (a stray web server) goes with it.
        killGroup(child.pid, 'SIGKILL');
      }
      resolve(result);
    };
    if (child.pid !== undefined) running.add(child.pid);
    child.on('error', (error) => finish({ code: null, signal: null, timedOut, spawnError: error }));
    child.on('exit', (code, signal) => finish({ code, signal, timedOut }));
  });
}

/** Whether a command exists on PATH. */
export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function describeFailure(result: RunResult): string {
  if (result.spawnError) return `could not start: ${result.spawnError.message}`;
  if (result.timedOut) return 'timed out';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit code ${result.code}`;
}
