/** Forking TypeScript entry points (through tsx) with an IPC channel, and stopping them for sure. */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

import { repoRoot } from './machine';

export interface ForkOptions {
  args?: string[];
  /** the environment to start from (default: this process's) */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  env?: Record<string, string>;
  /** extra node flags, e.g. --cpu-prof */
  nodeFlags?: string[];
  /** print the child's stdout/stderr (default: only stderr) */
  quiet?: boolean;
  /** load through tsx (default true); false for plain JavaScript */
  tsx?: boolean;
  /** working directory (default: the repository) */
  cwd?: string;
}

export function forkTs(script: string, options: ForkOptions = {}): ChildProcess {
  const child = fork(path.resolve(repoRoot, script), options.args ?? [], {
    cwd: options.cwd ?? repoRoot,
    execArgv: [...(options.tsx === false ? [] : ['--import', 'tsx']), ...(options.nodeFlags ?? [])],
    // Cast: Next's types make NODE_ENV required, and a media server's base need not have it.
    env: { ...(options.baseEnv ?? process.env), ...options.env } as NodeJS.ProcessEnv,
    serialization: 'advanced',
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
  return child;
}

/** Resolves with the first IPC message that `match` accepts; rejects on exit or timeout. */
export function waitForMessage<T>(
  child: ChildProcess,
  match: (m: unknown) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown): void => {
      const value = match(m);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`${what}: process exited (${code ?? signal})`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!exited(child)) child.kill('SIGKILL');
  }, graceMs);
  await gone;
  clearTimeout(timer);
}

export function isRecord(m: unknown): m is Record<string, unknown> {
  return typeof m === 'object' && m !== null;
}

/** Matches `{ type: 'listening', port }`, the contract of media-server/main.ts and our hosts. */
export function listeningPort(m: unknown): number | undefined {
  return isRecord(m) && m.type === 'listening' && typeof m.port === 'number' ? m.port : undefined;
}
