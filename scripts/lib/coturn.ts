/**
 * A real coturn (Debian's `coturn` package, `/usr/bin/turnserver`) for the tests: started on
 * 127.0.0.1 with the TURN REST API scheme Moim mints credentials for (`use-auth-secret`), owned by
 * whoever started it and stopped with everything it wrote. `npm test` installs the package when it
 * is missing (as root on Debian, like Chromium).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encode, StunClient, StunType } from './stun';

export const TURNSERVER_PATHS = ['/usr/bin/turnserver', '/usr/local/bin/turnserver'] as const;

/** `TURNSERVER_PATH`, or where Debian (or a source build) puts coturn; undefined when absent. */
export function findTurnserver(
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const explicit = env.TURNSERVER_PATH?.trim();
  if (explicit) return exists(explicit) ? explicit : undefined;
  return TURNSERVER_PATHS.find((path) => exists(path));
}

export interface CoturnOptions {
  /** coturn's `static-auth-secret`: the one Moim's `TURN_SECRET` must equal. */
  secret: string;
  realm?: string;
  /** UDP and TCP listening port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where its output goes: kept in memory for `log()` (default), or inherited. */
  output?: 'buffer' | 'inherit';
}

export interface Coturn {
  host: '127.0.0.1';
  port: number;
  realm: string;
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  url: string;
  /** What coturn printed so far (for a failing test's message). */
  log(): string;
  /** SIGTERM, wait for the exit, delete its files. Idempotent. */
  stop(): Promise<void>;
}

/** A UDP port nothing holds right now (the namespace is ours, so nothing takes it meanwhile). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export function coturnArgs(options: Required<Omit<CoturnOptions, 'output'>>, dir: string) {
  return [
    '-n', // no turnserver.conf: only what is below
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${options.port}`,
    `--realm=${options.realm}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    '--fingerprint',
    // The media server is on loopback in the tests; coturn refuses loopback peers by default
    // (CVE-2020-26262). Never use this flag on a real deployment.
    '--allow-loopback-peers',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-multicast-peers',
    // Everything it writes stays in our directory (the defaults are under /var).
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
    `--log-file=${join(dir, 'turnserver.log')}`,
    '--simple-log',
    '--verbose',
  ];
}

/** Resolves once coturn answers a STUN Binding request on its port (or rejects when it exits). */
export async function waitUntilAnswering(port: number, child: ChildProcess, timeoutMs: number) {
  const client = new StunClient('127.0.0.1', port);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`turnserver exited before answering (code ${code}, ${signal})`)),
    ),
  );
  try {
    await Promise.race([client.request(encode(StunType.bindingRequest, []), timeoutMs), exited]);
  } finally {
    client.close();
  }
}

export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const binary = findTurnserver();
  if (!binary) {
    throw new Error(
      'coturn is not installed: `apt-get install -y coturn` (npm test does it as root), or set TURNSERVER_PATH',
    );
  }
  const settings = {
    secret: options.secret,
    realm: options.realm ?? 'moim.test',
    port: options.port || (await freeUdpPort()),
  };
  const dir = mkdtempSync(join(tmpdir(), 'moim-coturn-'));
  const shown = options.output === 'inherit' ? 'inherit' : 'pipe';
  const child = spawn(binary, coturnArgs(settings, dir), { stdio: ['ignore', shown, shown] });
  // Debian's build also tries an SCTP listener and prints "socket: Protocol not supported" where
  // the kernel has no SCTP; harmless, so kept out of the test output with the rest.
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const log = () => {
    const file = join(dir, 'turnserver.log');
    return existsSync(file) ? `${output}${readFileSync(file, 'utf8')}` : output;
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    await waitUntilAnswering(settings.port, child, 10_000);
  } catch (error) {
    const text = log();
    await stop();
    throw new Error(`${String(error)}\n${text}`);
  }
  return {
    host: '127.0.0.1',
    port: settings.port,
    realm: settings.realm,
    url: `turn:127.0.0.1:${settings.port}?transport=udp`,
    log,
    stop,
  };
}

/** `turnserver --version` style check used by the test runner's report. */
export function turnserverVersion(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '';
}
