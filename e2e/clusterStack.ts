/**
 * For cluster.spec.ts: a real Redis on loopback and two production servers (`node
 * dist/server.js`) sharing it through `REDIS_URL`, each with its own embedded media server, on
 * ports of their own. Started by the spec itself (the main config's server runs without Redis);
 * owned and stopped by it. Their output is kept for a failing test's report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { freeTcpPort, startRedis, type TestRedis } from '../scripts/lib/redis';

export interface ClusterInstance {
  url: string;
  /** What it printed (the last 20,000 characters). */
  output(): string;
}

export interface ClusterStack {
  redis: TestRedis;
  instances: [ClusterInstance, ClusterInstance];
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

async function startInstance(redisUrl: string, children: ChildProcess[]): Promise<ClusterInstance> {
  const port = await freeTcpPort();
  const child = spawn(process.execPath, [join(root, 'dist', 'server.js')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_ICE_ADDRESSES: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      REDIS_URL: redisUrl,
    },
  });
  children.push(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a cluster instance exited:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      async (response) =>
        response.ok && ((await response.json()) as { redis?: string }).redis === 'ok',
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`a cluster instance was not ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, output: () => output };
}

export async function startClusterStack(): Promise<ClusterStack> {
  if (!existsSync(join(root, 'dist', 'server.js'))) {
    throw new Error('cluster.spec.ts needs the build: run `npm run build`');
  }
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await redis.close();
  };
  try {
    // One after the other: two Next.js servers starting at once on two cores starve each other.
    const one = await startInstance(redis.url, children);
    const two = await startInstance(redis.url, children);
    return { redis, instances: [one, two], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
