/**
 * Bandwidth that fits the room (issue 16) against the real embedded media server: viewers report
 * the size they show a camera at (`subscription:update { width, height }`), and its publisher is
 * told (`quality:target`) the largest box anyone shows it in, again when a viewer goes, and "no
 * limit" once nobody watches. Bad sizes are refused and change nothing.
 */
import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import type { Result, VideoTarget } from '../lib/protocol';
import { bitrateFor, floorHeight } from './rooms/video-fit';
import type { TestClient } from './test/harness';
import { useEmbeddedCall } from './test/embedded-call';
import {
  connectClient,
  joined,
  leave,
  nextEvent,
  unsubscribe,
  updateSubscription,
} from './test/harness';
import { Publisher, Viewer } from './test/peers';

describe('bitrate fitting', () => {
  const call = useEmbeddedCall();
  const peers = call.peers;

  async function person(roomId: string, name: string): Promise<{ socket: TestClient; id: string }> {
    const socket = await connectClient(call.server.url);
    return { socket, id: (await joined(socket, roomId, name)).selfId };
  }

  /** Runs `cause` and resolves the next target its publisher is told. */
  async function targetAfter(
    publisher: TestClient,
    cause: () => Promise<Result<null>>,
  ): Promise<VideoTarget> {
    const next = nextEvent(publisher, 'quality:target');
    expect(await cause()).toEqual({ ok: true, data: null });
    const [target] = await next;
    return target;
  }

  it('follows the largest tile: two viewers, the large one leaves, then nobody watches', async () => {
    const roomId = 'fit-two-viewers';
    const ann = await person(roomId, 'Ann');
    const bob = await person(roomId, 'Bob');
    const cy = await person(roomId, 'Cy');
    const told: VideoTarget[] = [];
    ann.socket.on('quality:target', (target) => told.push(target));
    const camera = await Publisher.start(ann.socket);
    const screen = await Publisher.start(ann.socket, { source: 'screen', audio: false });
    peers.push(camera, screen);
    const bobSees = await Viewer.start(bob.socket, camera.id);
    const cySees = await Viewer.start(cy.socket, camera.id);
    const bobSeesScreen = await Viewer.start(bob.socket, screen.id);
    peers.push(bobSees, cySees, bobSeesScreen);
    const publicationId = camera.id;

    // Bob shows Ann small: she is asked for that box and its bitrate.
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(bob.socket, { publicationId, width: 320, height: 180 }),
      ),
    ).toEqual({ publicationId, maxWidth: 320, maxHeight: 180, maxBitrate: bitrateFor(180) });

    // Cy shows her larger: Cy's tile decides.
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(cy.socket, { publicationId, width: 640, height: 360 }),
      ),
    ).toEqual({ publicationId, maxWidth: 640, maxHeight: 360, maxBitrate: bitrateFor(360) });

    // Bad sizes are refused and change nothing.
    const size = () =>
      call.server.app.rooms.get(roomId)?.getParticipant(cy.id)?.subscription(publicationId)?.size;
    for (const bad of [
      { width: 100 },
      { height: 100 },
      { width: -1, height: 100 },
      { width: 1.5, height: 100 },
      { width: 100_000, height: 100 },
      { width: '640', height: 360 },
    ]) {
      expect(await updateSubscription(cy.socket, { publicationId, ...bad } as never)).toMatchObject(
        { ok: false, error: { code: ErrorCode.BadRequest } },
      );
    }
    expect(size()).toEqual({ width: 640, height: 360 });
    // Sizes for a publication I do not watch (my own) are refused too.
    expect(
      await updateSubscription(ann.socket, { publicationId, width: 10, height: 10 }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.UnknownPublication } });

    // A screen share keeps its resolution: shown small, its owner is asked nothing.
    expect(
      await updateSubscription(bob.socket, { publicationId: screen.id, width: 192, height: 108 }),
    ).toEqual({ ok: true, data: null });

    // Bob's tile grows a little, still smaller than Cy's: nothing new to ask.
    expect(
      await updateSubscription(bob.socket, { publicationId, width: 480, height: 270 }),
    ).toEqual({ ok: true, data: null });

    // Cy (the large tile) leaves: the target drops to Bob's.
    expect(await targetAfter(ann.socket, () => leave(cy.socket))).toEqual({
      publicationId,
      maxWidth: 480,
      maxHeight: 270,
      maxBitrate: bitrateFor(270),
    });

    // Bob scrolls Ann out of view: nobody shows her, the floor.
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(bob.socket, { publicationId, video: false }),
      ),
    ).toEqual({
      publicationId,
      maxWidth: 320,
      maxHeight: floorHeight,
      maxBitrate: bitrateFor(floorHeight),
    });

    // Bob stops watching: nobody reports, no limit.
    expect(await targetAfter(ann.socket, () => unsubscribe(bob.socket, publicationId))).toEqual({
      publicationId,
      maxWidth: null,
      maxHeight: null,
      maxBitrate: null,
    });
    expect(told.map((target) => target.publicationId)).toEqual(told.map(() => publicationId));
    expect(told).toHaveLength(5);
  });

  it('someone showing it large lifts the limit; a renewed subscription keeps its size', async () => {
    const roomId = 'fit-large';
    const ann = await person(roomId, 'Ann');
    const bob = await person(roomId, 'Bob');
    const cy = await person(roomId, 'Cy');
    const camera = await Publisher.start(ann.socket);
    peers.push(camera);
    const publicationId = camera.id;
    peers.push(await Viewer.start(bob.socket, publicationId));
    peers.push(await Viewer.start(cy.socket, publicationId));
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(bob.socket, { publicationId, width: 640, height: 360 }),
      ),
    ).toMatchObject({ maxWidth: 640, maxHeight: 360 });
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(cy.socket, { publicationId, width: 1920, height: 1080 }),
      ),
    ).toEqual({ publicationId, maxWidth: null, maxHeight: null, maxBitrate: null });

    // Cy's connection is renewed (a new RTCPeerConnection after a failure): same tile, same size,
    // so nothing changes for Ann until Cy's tile does.
    peers.push(await Viewer.start(cy.socket, publicationId, 'VP8', true));
    expect(
      call.server.app.rooms.get(roomId)?.getParticipant(cy.id)?.subscription(publicationId)?.size,
    ).toEqual({ width: 1920, height: 1080 });
    expect(
      await targetAfter(ann.socket, () =>
        updateSubscription(cy.socket, { publicationId, width: 400, height: 225 }),
      ),
    ).toMatchObject({ maxWidth: 640, maxHeight: 360 });
  });
});
