import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { EmbeddedMediaServer } from './media/embedded';
import type { TestServer } from './test/harness';
import {
  closeClients,
  connectClient,
  join,
  joined,
  nextEvent,
  startMediaServer,
  startServer,
  waitUntil,
} from './test/harness';

describe('room ids are normalised by the server (embedded media server)', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
  });
  afterEach(async () => {
    closeClients();
    await waitUntil(() => server.app.media.objectCount === 0, 'every media object released');
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  it('puts "Case-Test-1111", " case test 1111 " and "case-test-1111" in one room', async () => {
    const ann = await connectClient(server.url);
    const first = await joined(ann, 'Case-Test-1111', 'Ann');
    expect(first.roomId).toBe('case-test-1111');

    const bob = await connectClient(server.url);
    const annHearsBob = nextEvent(ann, 'participant:joined', (info) => info.displayName === 'Bob');
    const second = await joined(bob, ' case test 1111 ', 'Bob');
    expect(second.roomId).toBe('case-test-1111');
    expect(second.participants.map((info) => info.displayName)).toEqual(['Ann']);
    await annHearsBob;

    expect(server.app.rooms.roomCount).toBe(1);
    expect(server.app.rooms.get('case-test-1111')?.size).toBe(2);
  });

  it('still refuses what cannot be a room id after normalising', async () => {
    const ann = await connectClient(server.url);
    const result = await join(ann, { roomId: 'Room/../Etc', displayName: 'Ann' });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
