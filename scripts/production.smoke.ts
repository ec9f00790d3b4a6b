/**
 * Production smoke test: starts the built server the way the Docker image does (the runtime stage's
 * ENV and CMD, from a directory holding only what the image ships) and checks that it comes up, answers
 * /healthz and /readyz, serves the app, and stops cleanly on SIGTERM with its embedded media server.
 *
 * Needs `npm run build` first; `npm test` runs both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { finalStage, lastInstruction, parseDockerfile, stageEnv } from './lib/dockerfile';
import { ADDON, NEXT_BUILD_CACHE, SHIPPED_FROM_BUILD } from './lib/image';

const root = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** Processes whose command line mentions `marker`: what the server may have left running. */
function processesMentioning(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker))
        found.push(Number(entry));
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}

/** Live (not zombie) child processes of `parent`, with their command lines. */
function childrenOf(parent: number): Array<{ pid: number; cmdline: string }> {
  if (process.platform !== 'linux') return [];
  const children: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== parent) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      children.push({ pid: Number(entry), cmdline });
    } catch {
      // It exited while we looked.
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

describe('production server (node dist/server.js, as in the Docker image)', () => {
  let stageDir = '';
  let child: ChildProcess | undefined;
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let port = 0;
  let baseUrl = '';

  const explain = () => `\n--- server output ---\n${output.slice(-6_000)}\n---------------------`;

  beforeAll(async () => {
    for (const built of ['dist/server.js', 'dist/media-server.js', '.next/BUILD_ID']) {
      if (!existsSync(join(root, built))) {
        throw new Error(
          `${built} is missing: run \`npm run build\` before this test (npm test does both).`,
        );
      }
    }
    const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    const runtime = finalStage(dockerfile);
    const cmd = lastInstruction(runtime, 'CMD')?.exec;
    if (!cmd || cmd[0] !== 'node')
      throw new Error(`the image's CMD should be exec form ["node", ...], got ${cmd}`);

    // The image's working directory: what the build stage copies over, and production node_modules
    // (here: the repository's own, which also holds dev dependencies).
    stageDir = mkdtempSync(join(tmpdir(), 'moim-image-'));
    for (const path of SHIPPED_FROM_BUILD) {
      const source = join(root, path);
      if (path === 'public' && !existsSync(source)) {
        mkdirSync(join(stageDir, path)); // the build stage runs `mkdir -p public`
        continue;
      }
      // A checkout without a C compiler has no addon (build.mjs says why and exits 0); the image
      // always has one. The last test checks which of the two the server says it runs.
      if (path === ADDON && !existsSync(source)) continue;
      cpSync(source, join(stageDir, path), {
        recursive: true,
        filter: (file) => !file.startsWith(join(root, NEXT_BUILD_CACHE)),
      });
    }
    symlinkSync(join(root, 'node_modules'), join(stageDir, 'node_modules'), 'dir');

    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      ...stageEnv(dockerfile, runtime),
      // Loopback only, on a free port.
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    child = spawn(process.execPath, cmd.slice(1), {
      cwd: stageDir,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) => (exit = { code, signal }));

    await waitFor('/healthz to answer 200', 60_000, async () => {
      if (exit) throw new Error(`the server exited early (${JSON.stringify(exit)})${explain()}`);
      const response = await get(`${baseUrl}/healthz`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${String(error instanceof Error ? error.message : error)}${explain()}`);
    });
  });

  afterAll(() => {
    if (child?.pid !== undefined && !exit) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (stageDir) {
      for (const pid of processesMentioning(stageDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(stageDir, { recursive: true, force: true });
    }
  });

  it('prints the URL to open', async () => {
    const printed = await waitFor(
      'the "Moim is running at" line',
      10_000,
      async () => /Moim is running at (https?:\/\/[^\s"'\\]+)/.exec(output)?.[1],
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
    expect(new URL(printed).port, explain()).toBe(String(port));
  });

  it('answers /healthz with 200', async () => {
    const response = await get(`${baseUrl}/healthz`);
    expect(response.status, explain()).toBe(200);
  });

  it('is ready (/readyz 200) once the embedded media server (dist/media-server.js) answers', async () => {
    const status = await waitFor('/readyz to answer 200', 30_000, async () => {
      const response = await get(`${baseUrl}/readyz`);
      return response.status === 200 ? response.status : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
    expect(status).toBe(200);
  });

  it('serves the app page from the shipped .next build', async () => {
    const response = await get(`${baseUrl}/`);
    expect(response.status, explain()).toBe(200);
    expect(response.type).toContain('text/html');
    expect(response.body).toContain('</html>');
  });

  it('answers Socket.IO on the same port (signaling)', async () => {
    const response = await get(`${baseUrl}/socket.io/?EIO=4&transport=polling`);
    expect(response.status, explain()).toBe(200);
    // Engine.IO's open packet: "0" followed by the handshake JSON.
    expect(response.body).toMatch(/^0\{.*"sid"/);
  });

  it('exposes Prometheus metrics at /metrics', async () => {
    const response = await get(`${baseUrl}/metrics`);
    expect(response.status, explain()).toBe(200);
    expect(response.body).toMatch(/^# (HELP|TYPE) /m);
  });

  it('forwards media on the native addon when it was built, and says so', async () => {
    const built = existsSync(join(root, ADDON));
    const fastPath = await waitFor(
      'the media server\'s "listening" log line',
      30_000,
      async () => /"fastPath":"([^"]*)"/.exec(output)?.[1],
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
    if (built) expect(fastPath, explain()).toBe('native');
    else expect(fastPath, explain()).toMatch(/^not built/);
  });

  it('stops cleanly on SIGTERM and takes the embedded media server with it', async () => {
    const server = child;
    if (!server?.pid) throw new Error('no server process');
    const children = childrenOf(server.pid);
    if (process.platform === 'linux') {
      expect(
        children.some((c) => c.cmdline.includes('media-server')),
        `the embedded media server should run as a child process; children: ${JSON.stringify(children)}${explain()}`,
      ).toBe(true);
    }
    server.kill('SIGTERM');
    const result = await waitFor(
      'the server to exit after SIGTERM',
      15_000,
      async () => exit,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
    expect(result, explain()).toEqual({ code: 0, signal: null });
    const leftovers = await waitFor('its child processes to exit', 5_000, async () => {
      const left = children.filter((c) => alive(c.pid));
      return left.length === 0 ? left : undefined;
    }).catch(() => children.filter((c) => alive(c.pid)));
    expect(leftovers, 'processes left running after the server stopped').toEqual([]);
  });
});
