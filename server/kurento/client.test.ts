import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

import { describe, expect, it } from 'vitest';

import { createLogger } from '../logger';
import { MediaServerClient } from './client';

describe('MediaServerClient against a server that accepts but never answers', () => {
  it('abandons each stalled attempt and keeps retrying; calls fail fast meanwhile', async () => {
    const sockets = new Set<Socket>();
    let accepted = 0;
    const silent = createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const client = new MediaServerClient(`ws://127.0.0.1:${port}/kurento`, {
      logger: createLogger('silent'),
      requestTimeoutMs: 200,
      minRetryMs: 10,
      maxRetryMs: 20,
    });
    client.start();
    try {
      await expect(client.createMediaPipeline()).rejects.toMatchObject({ kind: 'unavailable' });
      await expect(client.waitConnected(1_000)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(accepted).toBeGreaterThanOrEqual(2);
      expect(client.connected).toBe(false);
    } finally {
      await client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
