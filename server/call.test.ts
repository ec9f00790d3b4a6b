import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { EmbeddedMediaServer } from './media/embedded';
import type { TestServer } from './test/harness';
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
import { Publisher, Viewer, waitConnected } from './test/peers';

describe('group call on the embedded media server', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;
  const peers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.close()));
    closeClients();
    await waitUntil(() => server.app.media.objectCount === 0, 'every media object released');
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  it('two participants: media published by each arrives at the other', async () => {
    const ann = await connectClient(server.url);
    const bob = await connectClient(server.url);
    const annJoin = await joined(ann, 'two', 'Ann');
    expect(annJoin.participants).toEqual([]);
    const bobArrives = nextEvent(ann, 'participant:joined');
    const bobJoin = await joined(bob, 'two', 'Bob');
    expect(bobJoin.participants).toEqual([
      { id: annJoin.selfId, displayName: 'Ann', audioMuted: false, videoMuted: false },
    ]);
    const [bobInfo] = await bobArrives;
    expect(bobInfo).toEqual({
      id: bobJoin.selfId,
      displayName: 'Bob',
      audioMuted: false,
      videoMuted: false,
    });

    const annOut = await Publisher.start(ann, annJoin.selfId);
    const bobOut = await Publisher.start(bob, bobJoin.selfId);
    const annSeesBob = await Viewer.start(ann, bobJoin.selfId);
    const bobSeesAnn = await Viewer.start(bob, annJoin.selfId);
    peers.push(annOut, bobOut, annSeesBob, bobSeesAnn);
    await Promise.all([annOut, bobOut, annSeesBob, bobSeesAnn].map((p) => waitConnected(p.pc)));

    annOut.pump(0xa1);
    bobOut.pump(0xb0);
    const [atBob, atAnn] = await Promise.all([
      bobSeesAnn.waitForTagged(0xa1, 20),
      annSeesBob.waitForTagged(0xb0, 20),
    ]);
    expect(atBob.length).toBeGreaterThanOrEqual(20);
    expect(atAnn.length).toBeGreaterThanOrEqual(20);
    // Nobody receives their own media.
    expect(bobSeesAnn.received.some((p) => p.payload.readUInt32BE(1) === 0xb0)).toBe(false);

    // 1 pipeline + 2 outgoing + 2 incoming endpoints.
    expect(server.app.media.objectCount).toBe(5);
    expect(await server.app.media.getPipelineIds()).toHaveLength(1);

    const annLeft = nextEvent(bob, 'participant:left');
    expect(await leave(ann)).toEqual({ ok: true, data: null });
    expect((await annLeft)[0]).toEqual({ participantId: annJoin.selfId });
    // Ann's outgoing and incoming endpoints and Bob's incoming one for Ann are gone.
    await waitUntil(() => server.app.media.objectCount === 2, 'Ann released');

    expect(await leave(bob)).toEqual({ ok: true, data: null });
    await waitUntil(() => server.app.media.objectCount === 0, 'Bob released');
    expect(await server.app.media.getPipelineIds()).toEqual([]);
    expect(server.app.rooms.roomCount).toBe(0);
  });
});
