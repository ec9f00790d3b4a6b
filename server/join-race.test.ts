/**
 * People who join at the same moment must all learn of each other (issue 10). All kurento-client
 * replies arrive on one WebSocket, so the last replies of two joins can resolve in the same tick;
 * these tests make that happen on purpose, against the real media server, and check what each
 * joiner's client is told: its join answer plus the events after it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { MediaPipeline } from './kurento/objects';
import type { WebRtcEndpoint } from './kurento/objects';
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
import { RoomView } from './test/room-view';

/**
 * Holds every endpoint the media server has created until `count` are ready, then hands them all
 * out from one synchronous loop: their joins continue in the same tick, as when the replies arrive
 * in one WebSocket read.
 */
function releaseEndpointsTogether(count: number): () => void {
  const create = MediaPipeline.prototype.createWebRtcEndpoint;
  const held: { endpoint: WebRtcEndpoint; resolve: (endpoint: WebRtcEndpoint) => void }[] = [];
  const spy = vi
    .spyOn(MediaPipeline.prototype, 'createWebRtcEndpoint')
    .mockImplementation(async function (this: MediaPipeline) {
      const endpoint = await create.call(this);
      return new Promise<WebRtcEndpoint>((resolve) => {
        held.push({ endpoint, resolve });
        if (held.length < count) return;
        for (const waiting of held.splice(0)) waiting.resolve(waiting.endpoint);
      });
    });
  return () => spy.mockRestore();
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

  it('two joins whose endpoints resolve in the same tick see each other', async () => {
    const [ann, bob] = await views(2);
    restore = releaseEndpointsTogether(2);
    await Promise.all([ann!.join('same-tick-2', 'Ann'), bob!.join('same-tick-2', 'Bob')]);
    await expectEveryoneKnowsEveryone([ann!, bob!]);
    expect(ann!.names()).toEqual(['Bob']);
    expect(bob!.names()).toEqual(['Ann']);
  });

  it('four joins in the same tick: everyone knows the three others', async () => {
    const all = await views(4);
    restore = releaseEndpointsTogether(4);
    await Promise.all(all.map((view, i) => view.join('same-tick-4', `P${i}`)));
    await expectEveryoneKnowsEveryone(all);
    for (const view of all) expect(view.eventsBeforeAnswer).toBe(0);
  });

  it('a leave and a mute right after same-tick joins reach each joiner after its answer', async () => {
    const [early, ann, bob] = await views(3);
    const earlyJoin = await early!.join('leave-race', 'Early');
    restore = releaseEndpointsTogether(2);
    await Promise.all([ann!.join('leave-race', 'Ann'), bob!.join('leave-race', 'Bob')]);
    const muted = await mute(ann!.socket, { audioMuted: true, videoMuted: false });
    expect(muted.ok).toBe(true);
    early!.socket.disconnect();
    await waitUntil(
      () => !ann!.knows(earlyJoin.selfId) && !bob!.knows(earlyJoin.selfId),
      'Early is gone for Ann and Bob',
    );
    await waitUntil(() => bob!.info(ann!.selfId)?.audioMuted === true, 'Bob sees Ann muted');
    expect(ann!.names()).toEqual(['Bob']);
    expect(bob!.names()).toEqual(['Ann']);
    expect(ann!.eventsBeforeAnswer).toBe(0);
    expect(bob!.eventsBeforeAnswer).toBe(0);
  });
});
