/**
 * For cluster.spec.ts: a real Redis on loopback and two production servers (`node
 * dist/server.js`, each an `OwnServer` with its own embedded media server) sharing it through
 * `REDIS_URL`. Started by the spec itself (the main config's server runs without Redis); owned
 * and stopped by it. Their output is kept for a failing test's report.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startRedis, type TestRedis } from '../scripts/lib/redis';
import { OwnServer } from './ownServer';

export type ClusterInstance = Pick<OwnServer, 'url' | 'output'>;

export interface ClusterStack {
  redis: TestRedis;
  instances: [ClusterInstance, ClusterInstance];
  stop(): Promise<void>;
}

/** An instance counts once its `/readyz` reports Redis too (it joined the cluster). */
function startInstance(redisUrl: string): Promise<OwnServer> {
  return OwnServer.start(
    { REDIS_URL: redisUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    (body) => body.redis === 'ok',
  );
}

export async function startClusterStack(): Promise<ClusterStack> {
  if (!existsSync(join(__dirname, '..', 'dist', 'server.js'))) {
    throw new Error('cluster.spec.ts needs the build: run `npm run build`');
  }
  const redis = await startRedis();
  const servers: OwnServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.close();
  };
  try {
    // One after the other: two Next.js servers starting at once on two cores starve each other.
    servers.push(await startInstance(redis.url));
    servers.push(await startInstance(redis.url));
    const [one, two] = servers as [OwnServer, OwnServer];
    return { redis, instances: [one, two], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
