import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestClient, TestServer } from './test/harness';
import {
  closeClients,
  connectClient,
  joined,
  leave,
  nextEvent,
  startMediaServer,
  startServer,
  waitUntil,
} from './test/harness';
import { Publisher } from './test/peers';

describe('a pool of two media servers', () => {
  let workers: EmbeddedMediaServer[];
  let server: TestServer;

  beforeAll(async () => {
    workers = await Promise.all([startMediaServer(), startMediaServer()]);
    server = await startServer(workers.map((worker) => worker.url));
    await Promise.all(server.app.pool.clients.map((client) => client.waitConnected(20_000)));
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await server?.close();
    await Promise.all((workers ?? []).map((worker) => worker.close()));
  });

  async function pipelinesPerServer(): Promise<number[]> {
    return Promise.all(
      server.app.pool.clients.map(async (client) => (await client.getPipelineIds()).length),
    );
  }

  it('spreads rooms over the media servers; losing one closes only its rooms', async () => {
    const members: Record<string, TestClient> = {};
    for (const roomId of ['p1', 'p2', 'p3', 'p4']) {
      members[roomId] = await connectClient(server.url);
      await joined(members[roomId], roomId, `In ${roomId}`);
    }
    expect(await pipelinesPerServer()).toEqual([2, 2]);

    const [first] = server.app.pool.clients;
    const onFirst = ['p1', 'p2', 'p3', 'p4'].filter(
      (roomId) => server.app.rooms.get(roomId)?.media === first,
    );
    const onSecond = ['p1', 'p2', 'p3', 'p4'].filter((roomId) => !onFirst.includes(roomId));
    expect(onFirst).toHaveLength(2);
    const closed = onFirst.map((roomId) => nextEvent(members[roomId]!, 'room:closed'));
    const restarted = new Promise<void>((resolve) => workers[0]!.once('restarted', resolve));

    workers[0]!.kill('SIGKILL');

    for (const [event] of await Promise.all(closed)) {
      expect(event.code).toBe(ErrorCode.MediaServerUnavailable);
    }
    // The rooms on the other media server carry on: their members still publish.
    for (const roomId of onSecond) {
      const socket = members[roomId]!;
      expect(server.app.rooms.get(roomId)?.participants[0]?.id).toBeDefined();
      const publisher = await Publisher.start(socket);
      await publisher.close();
    }
    // While one is down, new rooms go to the other.
    const newcomer = await connectClient(server.url);
    await joined(newcomer, 'p5', 'New');
    expect(server.app.rooms.get('p5')?.media).toBe(server.app.pool.clients[1]);

    await restarted;
    await waitUntil(() => server.app.pool.clients.every((c) => c.connected), 'both connected');
    for (const roomId of onFirst) await joined(members[roomId]!, roomId, 'Back');
    expect(await pipelinesPerServer()).toEqual([2, 3]);
    for (const socket of [...Object.values(members), newcomer]) await leave(socket);
    await waitUntil(() => server.app.pool.objectCount === 0, 'everything released');
    expect(await pipelinesPerServer()).toEqual([0, 0]);
  });
});
