/**
 * For relay.spec.ts: a real coturn on loopback plus a second production server (`node
 * dist/server.js`) that mints TURN credentials from coturn's secret and forces relay
 * (ICE_TRANSPORT_POLICY=relay). Started by the spec itself because the main config's webServer runs
 * without TURN; owned and stopped by it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startCoturn, type Coturn } from '../scripts/lib/coturn';

export interface RelayStack {
  baseURL: string;
  coturn: Coturn;
  stop(): Promise<void>;
}

const root = join(__dirname, '..');

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves when the server answers its home page; rejects if it exits or `timeoutMs` passes. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    // Poll again once the server had a moment to bind (a connection refused returns at once).
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(exited ? 'the relay server exited while starting' : `${url} did not answer`);
}

export async function startRelayStack(port: number): Promise<RelayStack> {
  const entry = join(root, 'dist', 'server.js');
  if (!existsSync(entry)) throw new Error('relay.spec.ts needs the build: run `npm run build`');
  const secret = randomBytes(24).toString('base64');
  const coturn = await startCoturn({ secret });
  const baseURL = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [entry], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_ICE_ADDRESSES: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      TURN_URLS: coturn.url,
      TURN_SECRET: secret,
      ICE_TRANSPORT_POLICY: 'relay',
    },
  });
  const stop = async () => {
    await stopProcess(server);
    await coturn.stop();
  };
  try {
    await waitForHttp(`${baseURL}/`, server, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseURL, coturn, stop };
}
