/**
 * The publications model (issue 11) against the real embedded media server: a participant
 * publishes a camera and a screen, viewers subscribe per publication, unpublishing releases exactly
 * that publication's endpoints, and every bad request gets its code with nothing else changed.
 */
import { describe, expect, it } from 'vitest';

import { ErrorCode, publicationLimits } from '../lib/protocol';
import type { PublicationInfo, Result } from '../lib/protocol';
import type { WebRtcEndpoint } from './kurento/objects';
import type { TestClient } from './test/harness';
import { useEmbeddedCall } from './test/embedded-call';
import {
  candidate,
  connectClient,
  joined,
  mute,
  nextEvent,
  publish,
  subscribe,
  unpublish,
  unsubscribe,
  updateSubscription,
  waitUntil,
} from './test/harness';
import { Publisher, Viewer, waitConnected } from './test/peers';

const hostCandidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('publications on the embedded media server', () => {
  const call = useEmbeddedCall();
  const peers = call.peers;

  function expectError(result: Result<unknown>, code: ErrorCode): void {
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
  }

  async function people(
    roomId: string,
    names: string[],
  ): Promise<{ socket: TestClient; id: string }[]> {
    const all: { socket: TestClient; id: string }[] = [];
    for (const name of names) {
      const socket = await connectClient(call.server.url);
      all.push({ socket, id: (await joined(socket, roomId, name)).selfId });
    }
    return all;
  }

  /** Packets with `tag` keep arriving at `viewer` (a few more than it has now). */
  async function flowing(viewer: Viewer, tag: number, kind: 'video' | 'audio' = 'video') {
    const list = kind === 'video' ? viewer.received : viewer.receivedAudio;
    const now = list.length;
    await viewer.waitForTagged(tag, now + 5, 15_000, kind);
  }

  /** No packet with `tag` arrives at `viewer` for a while after things settled. */
  async function stopped(viewer: Viewer, tag: number, kind: 'video' | 'audio' = 'video') {
    const list = kind === 'video' ? viewer.received : viewer.receivedAudio;
    const count = () => list.filter((p) => p.payload.readUInt32BE(1) === tag).length;
    // Packets already in flight when the media server disconnected may still land.
    let last = count();
    await waitUntil(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = count();
      const settled = now === last;
      last = now;
      return settled;
    }, `no more packets tagged ${tag}`);
  }

  it('a camera and a screen: viewers get both, unpublishing the screen releases exactly its endpoints', async () => {
    const [ann, bob, cy] = await people('share', ['Ann', 'Bob', 'Cy']);
    const camera = await Publisher.start(ann!.socket);
    const added = [bob!, cy!].map(({ socket }) =>
      nextEvent(socket, 'publication:added', (p) => p.source === 'screen'),
    );
    const screen = await Publisher.start(ann!.socket, { source: 'screen', audio: false });
    peers.push(camera, screen);
    expect(screen.publication).toMatchObject({ source: 'screen', audio: false, video: true });
    for (const [info] of await Promise.all(added)) expect(info).toEqual(screen.publication);

    const watching = [bob!, cy!].flatMap(({ socket }) => [
      Viewer.start(socket, camera.id),
      Viewer.start(socket, screen.id),
    ]);
    const viewers = await Promise.all(watching);
    peers.push(...viewers);
    await Promise.all([camera, screen, ...viewers].map((peer) => waitConnected(peer.pc)));
    camera.pump(0xc1);
    screen.pump(0x5c);
    const [bobCamera, bobScreen, cyCamera, cyScreen] = viewers;
    await Promise.all([
      bobCamera!.waitForTagged(0xc1, 5),
      bobScreen!.waitForTagged(0x5c, 5),
      cyCamera!.waitForTagged(0xc1, 5),
      cyScreen!.waitForTagged(0x5c, 5),
    ]);
    // Each stream arrives on its own connection only.
    expect(bobCamera!.received.some((p) => p.payload.readUInt32BE(1) === 0x5c)).toBe(false);
    // 1 pipeline + 2 outgoing + 4 incoming.
    expect(call.server.app.media.objectCount).toBe(7);
    const room = call.server.app.rooms.get('share')!;
    expect(room.listPublications().map((p) => p.source)).toEqual(['camera', 'screen']);

    const removed = [bob!, cy!].map(({ socket }) => nextEvent(socket, 'publication:removed'));
    expect(await unpublish(ann!.socket, screen.id)).toEqual({ ok: true, data: null });
    for (const [event] of await Promise.all(removed)) {
      expect(event).toEqual({ publicationId: screen.id, participantId: ann!.id });
    }
    // The screen's outgoing endpoint and Bob's and Cy's incoming ones for it: three fewer.
    await waitUntil(() => call.server.app.media.objectCount === 4, 'the screen released');
    expect(room.listPublications().map((p) => p.id)).toEqual([camera.id]);
    for (const viewer of room.participants.filter((p) => p.id !== ann!.id)) {
      expect(viewer.subscribedIds).toEqual([camera.id]);
    }
    // The camera goes on.
    await flowing(bobCamera!, 0xc1);
    // A late joiner sees what is running now.
    const dee = await connectClient(call.server.url);
    const deeJoin = await joined(dee, 'share', 'Dee');
    expect(deeJoin.participants.find((p) => p.id === ann!.id)?.publications).toEqual([
      camera.publication,
    ]);
  });

  it('caps: one camera each, one screen each, three screens per room; nothing else changes', async () => {
    const four = await people('caps', ['A', 'B', 'C', 'D']);
    const [a] = four;
    const camera = await Publisher.start(a!.socket);
    peers.push(camera);
    const sdp = camera.pc.localDescription?.sdp ?? '';
    const before = call.server.app.media.objectCount;
    expectError(
      await publish(a!.socket, { source: 'camera', audio: true, video: true, sdp }),
      ErrorCode.PublicationLimit,
    );
    const screens = await Promise.all(
      four
        .slice(0, publicationLimits.screensPerRoom)
        .map(({ socket }) => Publisher.start(socket, { source: 'screen', audio: false })),
    );
    peers.push(...screens);
    const objects = call.server.app.media.objectCount;
    expect(objects).toBe(before + publicationLimits.screensPerRoom);
    expectError(
      await publish(a!.socket, { source: 'screen', audio: false, video: true, sdp }),
      ErrorCode.PublicationLimit,
    );
    expectError(
      await publish(four[3]!.socket, { source: 'screen', audio: false, video: true, sdp }),
      ErrorCode.PublicationLimit,
    );
    expect(call.server.app.media.objectCount).toBe(objects);
    expect(call.server.app.rooms.get('caps')?.listPublications()).toHaveLength(4);
    // A share that stops frees a place.
    expect((await unpublish(four[1]!.socket, screens[1]!.id)).ok).toBe(true);
    peers.push(await Publisher.start(four[3]!.socket, { source: 'screen', audio: false }));
  });

  it("FORBIDDEN for someone else's publication; UNKNOWN_PUBLICATION for one in another room or none", async () => {
    const [ann, bob] = await people('mine', ['Ann', 'Bob']);
    const [stranger] = await people('theirs', ['Stranger']);
    const annCamera = await Publisher.start(ann!.socket);
    const strangerCamera = await Publisher.start(stranger!.socket);
    peers.push(annCamera, strangerCamera);
    const sdp = annCamera.pc.localDescription?.sdp ?? '';
    const recvonly = sdp.replace(/a=sendonly/g, 'a=recvonly');
    const before = call.server.app.media.objectCount;
    const roomInfo = () => call.server.app.rooms.get('mine')?.listPublications();
    const snapshot = roomInfo();

    expectError(await unpublish(bob!.socket, annCamera.id), ErrorCode.Forbidden);
    expectError(
      await mute(bob!.socket, { publicationId: annCamera.id, audioMuted: true }),
      ErrorCode.Forbidden,
    );
    expectError(
      await publish(bob!.socket, {
        source: 'camera',
        audio: true,
        video: true,
        sdp,
        replaces: annCamera.id,
      }),
      ErrorCode.Forbidden,
    );
    for (const publicationId of [strangerCamera.id, 'no-such-publication']) {
      expectError(
        await subscribe(bob!.socket, { publicationId, sdp: recvonly }),
        ErrorCode.UnknownPublication,
      );
      expectError(await unpublish(bob!.socket, publicationId), ErrorCode.UnknownPublication);
      expectError(await unsubscribe(bob!.socket, publicationId), ErrorCode.UnknownPublication);
      expectError(
        await updateSubscription(bob!.socket, { publicationId, video: false }),
        ErrorCode.UnknownPublication,
      );
      expectError(
        await candidate(bob!.socket, { publicationId, candidate: hostCandidate }),
        ErrorCode.UnknownPublication,
      );
      expectError(
        await candidate(bob!.socket, { publicationId, candidate: { candidate: '' } }),
        ErrorCode.UnknownPublication,
      );
    }
    // Not subscribed yet: nothing to update.
    expectError(
      await updateSubscription(bob!.socket, { publicationId: annCamera.id, video: false }),
      ErrorCode.UnknownPublication,
    );
    // My own publication is not something to subscribe to.
    expectError(
      await subscribe(ann!.socket, { publicationId: annCamera.id, sdp: recvonly }),
      ErrorCode.BadRequest,
    );
    expectError(
      await publish(ann!.socket, {
        source: 'screen',
        audio: true,
        video: true,
        sdp,
        replaces: annCamera.id,
      }),
      ErrorCode.BadRequest,
    );
    expect(call.server.app.media.objectCount).toBe(before);
    expect(roomInfo()).toEqual(snapshot);
    expect(call.server.app.rooms.get('theirs')?.participants[0]?.subscribedIds).toEqual([]);
    // A failed publish leaves no endpoint and no publication behind.
    expectError(
      await publish(bob!.socket, {
        source: 'camera',
        audio: true,
        video: true,
        sdp: 'v=0\r\nx\r\n',
      }),
      ErrorCode.InvalidSdp,
    );
    expect(call.server.app.media.objectCount).toBe(before);
    expect(roomInfo()).toEqual(snapshot);
    peers.push(await Publisher.start(bob!.socket));
  });

  it('subscription:update video:false stops that viewer’s video only; true brings it back', async () => {
    const [ann, bob, cy] = await people('offscreen', ['Ann', 'Bob', 'Cy']);
    const camera = await Publisher.start(ann!.socket);
    const bobSees = await Viewer.start(bob!.socket, camera.id);
    const cySees = await Viewer.start(cy!.socket, camera.id);
    peers.push(camera, bobSees, cySees);
    await Promise.all([camera, bobSees, cySees].map((peer) => waitConnected(peer.pc)));
    camera.pump(0xd1);
    camera.pumpAudio(0xa1);
    await Promise.all([bobSees.waitForTagged(0xd1, 5), cySees.waitForTagged(0xd1, 5)]);
    await bobSees.waitForTagged(0xa1, 5, 15_000, 'audio');

    const objects = call.server.app.media.objectCount;
    expect(
      await updateSubscription(bob!.socket, {
        publicationId: camera.id,
        video: false,
        width: 320,
        height: 180,
      }),
    ).toEqual({ ok: true, data: null });
    await stopped(bobSees, 0xd1);
    await flowing(cySees, 0xd1);
    await flowing(bobSees, 0xa1, 'audio');
    // Nothing was released: the connection stays, only its video is off.
    expect(call.server.app.media.objectCount).toBe(objects);

    expect(
      await updateSubscription(bob!.socket, { publicationId: camera.id, video: true }),
    ).toEqual({
      ok: true,
      data: null,
    });
    await flowing(bobSees, 0xd1);
  });

  it('setForcedMute keeps audio or video from every viewer at the media server; everyone is told', async () => {
    const [ann, bob] = await people('forced', ['Ann', 'Bob']);
    const camera = await Publisher.start(ann!.socket);
    const bobSees = await Viewer.start(bob!.socket, camera.id);
    peers.push(camera, bobSees);
    await Promise.all([waitConnected(camera.pc), waitConnected(bobSees.pc)]);
    camera.pump(0xe1);
    camera.pumpAudio(0xe2);
    await bobSees.waitForTagged(0xe2, 5, 15_000, 'audio');
    const room = call.server.app.rooms.get('forced')!;

    const told = [ann!, bob!].map(({ socket }) => nextEvent(socket, 'publication:updated'));
    await room.setForcedMute(camera.id, { audio: true });
    for (const [info] of await Promise.all(told)) {
      expect(info).toEqual({
        ...camera.publication,
        audioMuted: true,
        hostMuted: { audio: true, video: false },
      });
    }
    await stopped(bobSees, 0xe2, 'audio');
    await flowing(bobSees, 0xe1);
    // The owner's own unmute does not undo it.
    expect((await mute(ann!.socket, { publicationId: camera.id, audioMuted: false })).ok).toBe(
      true,
    );
    expect(room.listPublications()[0]?.audioMuted).toBe(true);

    await room.setForcedMute(camera.id, { audio: false, video: true });
    await flowing(bobSees, 0xe2, 'audio');
    await stopped(bobSees, 0xe1);
    await room.setForcedMute(camera.id, { video: false });
    await flowing(bobSees, 0xe1);
    await expect(room.setForcedMute('no-such', { audio: true })).rejects.toMatchObject({
      code: ErrorCode.UnknownPublication,
    });
  });

  it('observePublications reports running publications, new ones, reconnections and stops', async () => {
    const [ann, bob] = await people('observed', ['Ann', 'Bob']);
    const camera = await Publisher.start(ann!.socket);
    peers.push(camera);
    const room = call.server.app.rooms.get('observed')!;
    const seen: string[] = [];
    const endpoints = new Map<string, WebRtcEndpoint>();
    const stop = room.observePublications({
      added: (info: PublicationInfo, endpoint) => {
        seen.push(`added ${info.source}`);
        endpoints.set(info.id, endpoint);
      },
      removed: (id) => seen.push(`removed ${id === camera.id ? 'camera' : 'other'}`),
    });
    expect(seen).toEqual(['added camera']);
    expect(endpoints.get(camera.id)?.released).toBe(false);
    const screen = await Publisher.start(bob!.socket, { source: 'screen', audio: false });
    peers.push(screen);
    const renewed = await Publisher.start(ann!.socket, { replaces: camera.id });
    peers.push(renewed);
    expect(seen).toEqual(['added camera', 'added screen', 'removed camera', 'added camera']);
    await waitUntil(() => endpoints.get(camera.id)?.released === false, 'the new endpoint');
    await unpublish(bob!.socket, screen.id);
    ann!.socket.disconnect();
    await waitUntil(() => seen.length === 6, 'both stops');
    expect(seen.slice(4)).toEqual(['removed other', 'removed camera']);
    stop();
  });
});
