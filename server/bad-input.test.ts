import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import type { Result } from '../lib/protocol';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestClient, TestServer } from './test/harness';
import {
  candidate,
  closeClients,
  connectClient,
  garbageSdp,
  join,
  joined,
  leave,
  nextEvent,
  offer,
  startMediaServer,
  startServer,
  waitUntil,
} from './test/harness';
import { Publisher, Viewer } from './test/peers';

const hostCandidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('bad input once joined (embedded media server)', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;
  const peers: { close(): Promise<void> }[] = [];
  let servedRooms = 0;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url, {
      env: { ROOM_MAX_PARTICIPANTS: '3' },
      rateLimits: { candidate: { burst: 20, perSecond: 1 } },
    });
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

  function expectError(result: Result<unknown>, code: ErrorCode): void {
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
  }

  /** Another client joins a room and gets its pipeline and endpoint: the server still serves. */
  async function expectStillServing(): Promise<void> {
    const other = await connectClient(server.url);
    servedRooms += 1;
    const result = await joined(other, `served-${servedRooms}`, 'Other');
    expect(result.selfId).toBeTruthy();
    expect(await leave(other)).toEqual({ ok: true, data: null });
  }

  async function pair(
    roomId: string,
  ): Promise<{ a: TestClient; b: TestClient; aId: string; bId: string }> {
    const a = await connectClient(server.url);
    const b = await connectClient(server.url);
    const aId = (await joined(a, roomId, 'A')).selfId;
    const bId = (await joined(b, roomId, 'B')).selfId;
    return { a, b, aId, bId };
  }

  it('UNKNOWN_PARTICIPANT for a sender that is not in my room, even one in another room', async () => {
    const { a } = await pair('mine');
    const stranger = await connectClient(server.url);
    const strangerId = (await joined(stranger, 'theirs', 'Stranger')).selfId;
    const before = server.app.media.objectCount;
    for (const senderId of ['no-such-participant', strangerId]) {
      expectError(await offer(a, { senderId, sdp: garbageSdp }), ErrorCode.UnknownParticipant);
      expectError(
        await candidate(a, { senderId, candidate: hostCandidate }),
        ErrorCode.UnknownParticipant,
      );
    }
    expect(server.app.media.objectCount).toBe(before);
    expect(server.app.rooms.get('theirs')?.participants[0]?.incomingSenderIds).toEqual([]);
    await expectStillServing();
  });

  it('INVALID_SDP for an offer the media server cannot use, and no endpoint is left behind', async () => {
    const { a, aId, bId } = await pair('garbage');
    const before = server.app.media.objectCount;
    expectError(await offer(a, { senderId: bId, sdp: garbageSdp }), ErrorCode.InvalidSdp);
    expect(server.app.media.objectCount).toBe(before);
    expectError(await offer(a, { senderId: aId, sdp: garbageSdp }), ErrorCode.InvalidSdp);
    expect(server.app.media.objectCount).toBe(before);
    // The failed offer did not use up the endpoint: a real one still works.
    peers.push(await Publisher.start(a, aId));
    await expectStillServing();
  });

  it('ALREADY_NEGOTIATED for a second offer on the same connection', async () => {
    const { a, b, aId } = await pair('twice');
    const publisher = await Publisher.start(a, aId);
    peers.push(publisher);
    const sdp = publisher.pc.localDescription?.sdp ?? '';
    expectError(await offer(a, { senderId: aId, sdp }), ErrorCode.AlreadyNegotiated);
    // Two offers for the same sender racing: one wins, one is refused.
    const viewerSdp = sdp.replace(/a=sendonly/g, 'a=recvonly');
    const both = await Promise.all([
      offer(b, { senderId: aId, sdp: viewerSdp }),
      offer(b, { senderId: aId, sdp: viewerSdp }),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expectError(
      both.find((r) => !r.ok)!,
      ErrorCode.AlreadyNegotiated,
    );
    await expectStillServing();
  });

  it('ALREADY_IN_ROOM for a second join; ROOM_FULL past the limit', async () => {
    const { a } = await pair('full');
    expectError(await join(a, { roomId: 'full', displayName: 'A again' }), ErrorCode.AlreadyInRoom);
    expectError(await join(a, { roomId: 'elsewhere', displayName: 'A' }), ErrorCode.AlreadyInRoom);
    const third = await connectClient(server.url);
    await joined(third, 'full', 'C');
    const fourth = await connectClient(server.url);
    expectError(await join(fourth, { roomId: 'full', displayName: 'D' }), ErrorCode.RoomFull);
    expect(server.app.rooms.get('full')?.size).toBe(3);
    // The refused client can still join another room.
    expect((await join(fourth, { roomId: 'not-full', displayName: 'D' })).ok).toBe(true);
    await expectStillServing();
  });

  it('BAD_REQUEST for a candidate that is not an ICE candidate line', async () => {
    const { a, bId } = await pair('lines');
    expectError(
      await candidate(a, { senderId: bId, candidate: { candidate: 'hello', sdpMLineIndex: 0 } }),
      ErrorCode.BadRequest,
    );
    // End-of-candidates (an empty candidate) is fine.
    expect(await candidate(a, { senderId: bId, candidate: { candidate: '' } })).toEqual({
      ok: true,
      data: null,
    });
    await expectStillServing();
  });

  it('RATE_LIMITED past the candidate budget; queued candidates are bounded', async () => {
    const { a, bId } = await pair('flood');
    const results = await Promise.all(
      Array.from({ length: 60 }, () => candidate(a, { senderId: bId, candidate: hostCandidate })),
    );
    const limited = results.filter((r) => !r.ok && r.error.code === ErrorCode.RateLimited);
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(21);
    expect(limited.length).toBeGreaterThanOrEqual(39);
    await expectStillServing();
  });

  it('a viewer codec the publisher does not send: INVALID_SDP, or call:error MEDIA_ERROR when the viewer was first', async () => {
    const { a, b, aId } = await pair('codecs');
    // Bob watches Ann with H264 only before Ann publishes VP8: the media server finds out later.
    const error = nextEvent(b, 'call:error');
    peers.push(await Viewer.start(b, aId, 'H264'));
    const publisher = await Publisher.start(a, aId);
    peers.push(publisher);
    expect((await error)[0]).toMatchObject({ code: ErrorCode.MediaError, senderId: aId });
    // Cy, arriving after Ann published VP8, is refused at once and keeps no endpoint.
    const cy = await connectClient(server.url);
    await joined(cy, 'codecs', 'Cy');
    const before = server.app.media.objectCount;
    await expect(Viewer.start(cy, aId, 'H264')).rejects.toThrow(ErrorCode.InvalidSdp);
    expect(server.app.media.objectCount).toBe(before);
    await expectStillServing();
  });

  it('racing replace offers: the newer wins, the older is told so, nothing leaks', async () => {
    const { a, b, aId } = await pair('replace-race');
    const publisher = await Publisher.start(a, aId);
    peers.push(publisher);
    const sendonly = publisher.pc.localDescription?.sdp ?? '';
    const recvonly = sendonly.replace(/a=sendonly/g, 'a=recvonly');
    expect((await offer(b, { senderId: aId, sdp: recvonly })).ok).toBe(true);
    const settled = server.app.media.objectCount;
    for (const [socket, senderId, sdp] of [
      [b, aId, recvonly],
      [a, aId, sendonly],
    ] as const) {
      const results = await Promise.all(
        [0, 1, 2].map(() => offer(socket, { senderId, sdp, replace: true })),
      );
      // Each replace supersedes the one before it while that one is still in flight.
      expect(results.at(-1)?.ok).toBe(true);
      for (const result of results.filter((r) => !r.ok)) {
        expectError(result, ErrorCode.AlreadyNegotiated);
      }
      await waitUntil(() => server.app.media.objectCount === settled, 'no leftover endpoints');
    }
    await expectStillServing();
  });
});
