/**
 * People who join at the same moment must all learn of each other (issue 10). All kurento-client
 * replies arrive on one WebSocket, so the last replies of two joins can resolve in the same tick;
 * these tests make that happen on purpose, against the real media server, and check what each
 * joiner's client is told: its join answer plus the events after it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { MediaServerClient } from './kurento/client';
import type { MediaPipeline } from './kurento/objects';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestServer } from './test/harness';
import {
  closeClients,
  connectClient,
  mute,
  startMediaServer,
  startServer,
  waitUntil,
} from './test/harness';
import { Publisher } from './test/peers';
import { RoomView } from './test/room-view';

/**
 * Holds the new room's pipeline until `release()`: every join waiting for it then continues in the
 * same tick, as when the media server's replies arrive in one WebSocket read. (A join's only wait
 * on the media server is its room's pipeline; endpoints come later, with publications.)
 */
function holdPipeline(): { release(): void; restore(): void } {
  const create = MediaServerClient.prototype.createMediaPipeline;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const spy = vi
    .spyOn(MediaServerClient.prototype, 'createMediaPipeline')
    .mockImplementation(async function (this: MediaServerClient): Promise<MediaPipeline> {
      const pipeline = await create.call(this);
      await gate;
      return pipeline;
    });
  return { release, restore: () => spy.mockRestore() };
}

describe('simultaneous joins', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
  });
  afterEach(async () => {
    restore?.();
    restore = undefined;
    closeClients();
    await waitUntil(() => server.app.media.objectCount === 0, 'every media object released');
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  /** `joiners` join `roomId` at once; their joins all continue in the same tick. */
  async function joinTogether(roomId: string, joiners: RoomView[]): Promise<void> {
    const hold = holdPipeline();
    restore = hold.restore;
    const joins = joiners.map((view, i) => view.join(roomId, `P${i}`));
    await waitUntil(
      () => server.app.rooms.get(roomId)?.pendingJoins === joiners.length,
      'every join waiting for the pipeline',
    );
    hold.release();
    await Promise.all(joins);
  }

  async function views(count: number): Promise<RoomView[]> {
    const sockets = await Promise.all(
      Array.from({ length: count }, () => connectClient(server.url)),
    );
    return sockets.map((socket) => new RoomView(socket));
  }

  /** Waits (bounded) for everyone to know everyone, then asserts it with a readable diff. */
  async function expectEveryoneKnowsEveryone(all: RoomView[]): Promise<void> {
    const done = (): boolean =>
      all.every((view) => all.every((other) => other === view || view.knows(other.selfId)));
    await waitUntil(done, 'everyone knows everyone', 5_000).catch(() => undefined);
    for (const view of all) {
      const others = all.filter((other) => other !== view).map((other) => other.selfId);
      expect(view.ids().sort(), `what ${view.selfId} knows`).toEqual(others.sort());
    }
  }

  it('two joins that continue in the same tick see each other', async () => {
    const [ann, bob] = await views(2);
    await joinTogether('same-tick-2', [ann!, bob!]);
    await expectEveryoneKnowsEveryone([ann!, bob!]);
    expect(ann!.names()).toEqual(['P1']);
    expect(bob!.names()).toEqual(['P0']);
  });

  it('four joins in the same tick: everyone knows the three others', async () => {
    const all = await views(4);
    await joinTogether('same-tick-4', all);
    await expectEveryoneKnowsEveryone(all);
    for (const view of all) expect(view.eventsBeforeAnswer).toBe(0);
  });

  it('a publication, a mute and a leave right after same-tick joins reach each joiner after its answer', async () => {
    const [early, ann, bob] = await views(3);
    await joinTogether('leave-race', [early!, ann!, bob!]);
    const camera = await Publisher.start(ann!.socket);
    try {
      const muted = await mute(ann!.socket, { publicationId: camera.id, audioMuted: true });
      expect(muted.ok).toBe(true);
      early!.socket.disconnect();
      await waitUntil(
        () => !ann!.knows(early!.selfId) && !bob!.knows(early!.selfId),
        'Early is gone for Ann and Bob',
      );
      await waitUntil(() => bob!.camera(ann!.selfId)?.audioMuted === true, 'Bob sees Ann muted');
      expect(ann!.names()).toEqual(['P2']);
      expect(bob!.names()).toEqual(['P1']);
      expect(ann!.eventsBeforeAnswer).toBe(0);
      expect(bob!.eventsBeforeAnswer).toBe(0);
    } finally {
      await camera.close();
    }
  });
});
