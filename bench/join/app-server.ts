/**
 * The whole app as users run it: `node dist/server.js` (Next.js + signaling + the embedded media
 * server it forks), on a free loopback port, media restricted to 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { stopChild } from '../lib/child';
import { repoRoot } from '../lib/machine';

export interface AppServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`app server not ready at ${url} within ${timeoutMs} ms`);
}

export interface AppServerOptions {
  /** the address the app listens on and the media server announces (default 127.0.0.1) */
  host?: string;
}

export async function startAppServer(
  appDir = repoRoot,
  options: AppServerOptions = {},
): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  const entry = path.join(appDir, 'dist', 'server.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`npm run build\` first (or pass --build)`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: host,
      PORT: String(port),
      MEDIA_ICE_ADDRESSES: host,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://${host}:${port}`;
  try {
    await waitHealthy(url, child, 60_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url, pid: child.pid ?? -1, stop: () => stopChild(child) };
}
