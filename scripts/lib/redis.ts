/**
 * A real Redis (Debian's `redis-server` package) for the cluster tests: started on 127.0.0.1 on a
 * free port with nothing persisted, owned by whoever started it, stopped with everything it wrote.
 * `npm test` installs the package when it is missing (as root on Debian, like coturn), and stops
 * the system service the package starts: the tests run their own.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { aptInstall, canAptInstall } from './apt';

export const REDIS_SERVER_PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'] as const;

/** `REDIS_SERVER_PATH`, or where Debian (or a source build) puts it; undefined when absent. */
export function findRedisServer(
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const explicit = env.REDIS_SERVER_PATH?.trim();
  if (explicit) return exists(explicit) ? explicit : undefined;
  return REDIS_SERVER_PATHS.find((path) => exists(path));
}

export type RedisCheck =
  { ok: true; path: string; version: string } | { ok: false; message: string };

function versionOf(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return (result.stdout ?? '').trim().split('\n')[0] ?? '';
}

/** Finds redis-server, installing Debian's package as root when it is missing. */
export function ensureRedis(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): RedisCheck {
  const found = findRedisServer(env);
  if (found) return { ok: true, path: found, version: versionOf(found) };
  if (!canAptInstall() || env.REDIS_SERVER_PATH?.trim()) {
    return {
      ok: false,
      message:
        'The cluster tests need Redis: `sudo apt-get install -y redis-server` (Debian/Ubuntu), or ' +
        'set REDIS_SERVER_PATH. Without it they are skipped (and fail in CI).',
    };
  }
  const failure = aptInstall('redis-server', env, log, 'redis-server');
  if (failure) return { ok: false, message: failure };
  const installed = findRedisServer(env);
  return installed
    ? { ok: true, path: installed, version: versionOf(installed) }
    : { ok: false, message: 'apt-get installed redis-server, but no binary was found' };
}

export interface TestRedis {
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Stops it (SIGTERM, then SIGKILL): Redis "goes away". `start()` brings it back on the same port. */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()` (empty: nothing was persisted). */
  start(): Promise<void>;
  /** Stops it for good and deletes its directory. Idempotent. */
  close(): Promise<void>;
  /** What it printed (for a failing test's message). */
  log(): string;
}

/** A TCP port nothing listens on right now. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function redisArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    // Nothing on disk: a test's Redis starts empty and leaves no file behind.
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
}

/** Resolves once `PING` is answered with `+PONG` (rejects when the process exits or time runs out). */
async function waitForPong(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited before answering (code ${child.exitCode})`);
    }
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
      socket.once('data', (data) => {
        resolve(data.toString('utf8').startsWith('+PONG'));
        socket.destroy();
      });
      socket.once('connect', () => socket.write('PING\r\n'));
    });
    if (answered) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startRedis(options: { port?: number } = {}): Promise<TestRedis> {
  const binary = findRedisServer();
  if (!binary) {
    throw new Error(
      'redis-server is not installed: `apt-get install -y redis-server` (npm test does it as root), or set REDIS_SERVER_PATH',
    );
  }
  const port = options.port || (await freeTcpPort());
  const dir = mkdtempSync(join(tmpdir(), 'moim-redis-'));
  let output = '';
  let child: ChildProcess | undefined;
  const spawnIt = async (): Promise<void> => {
    const started = spawn(binary, redisArgs(port, dir), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    try {
      await waitForPong(port, started, 10_000);
    } catch (error) {
      await kill(started);
      throw new Error(`${String(error)}\n${output}`);
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await kill(running);
  };
  let closing: Promise<void> | undefined;
  await spawnIt();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start: async () => {
      if (child) return;
      await spawnIt();
    },
    close: () =>
      (closing ??= (async () => {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      })()),
    log: () => output,
  };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
