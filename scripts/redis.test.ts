import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { findRedisServer, redisArgs, startRedis } from './lib/redis';

// In CI (where npm test installs redis-server) a missing Redis fails here instead of skipping.
const runnable = findRedisServer() !== undefined || Boolean(process.env.CI);

describe('redis-server for the tests', () => {
  it('finds REDIS_SERVER_PATH first (a typo is no reason to fall back), then the usual paths', () => {
    const exists = (path: string) => path === '/usr/bin/redis-server' || path === '/opt/redis';
    expect(findRedisServer({ REDIS_SERVER_PATH: '/opt/redis' }, exists)).toBe('/opt/redis');
    expect(findRedisServer({ REDIS_SERVER_PATH: '/nope' }, exists)).toBeUndefined();
    expect(findRedisServer({}, exists)).toBe('/usr/bin/redis-server');
    expect(findRedisServer({}, () => false)).toBeUndefined();
  });

  it('listens on loopback only and persists nothing', () => {
    const args = redisArgs(6390, '/tmp/x');
    expect(args.join(' ')).toContain('--bind 127.0.0.1');
    expect(args.join(' ')).toContain('--port 6390');
    expect(args[args.indexOf('--save') + 1]).toBe('');
    expect(args[args.indexOf('--appendonly') + 1]).toBe('no');
  });

  it.runIf(runnable)(
    'starts, goes away, comes back empty on the same port, and closes',
    async () => {
      const redis = await startRedis();
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined); // refused while it is away: expected here
      try {
        await client.connect();
        await client.set('k', 'v');
        expect(await client.get('k')).toBe('v');
        await redis.stop();
        await expect(client.get('k')).rejects.toThrow();
        await redis.start();
        const again = new Redis(redis.url, { maxRetriesPerRequest: 0 });
        expect(await again.get('k')).toBeNull();
        again.disconnect();
      } finally {
        client.disconnect();
        await redis.close();
      }
    },
  );
});
