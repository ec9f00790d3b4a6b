import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import type { Result } from '../lib/protocol';
import type { TestClient } from './test/harness';
import { useEmbeddedCall } from './test/embedded-call';
import {
  candidate,
  connectClient,
  garbageSdp,
  join,
  joined,
  leave,
  publish,
  subscribe,
  waitUntil,
} from './test/harness';
import { Publisher, Viewer } from './test/peers';

const hostCandidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('bad input once joined (embedded media server)', () => {
  const call = useEmbeddedCall({
    env: { ROOM_MAX_PARTICIPANTS: '3' },
    rateLimits: { candidate: { burst: 20, perSecond: 1 } },
  });
  const peers = call.peers;
  let servedRooms = 0;

  function expectError(result: Result<unknown>, code: ErrorCode): void {
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
  }

  /** Another client joins a room and gets its pipeline and endpoint: the server still serves. */
  async function expectStillServing(): Promise<void> {
    const other = await connectClient(call.server.url);
    servedRooms += 1;
    const result = await joined(other, `served-${servedRooms}`, 'Other');
    expect(result.selfId).toBeTruthy();
    expect(await leave(other)).toEqual({ ok: true, data: null });
  }

  async function pair(
    roomId: string,
  ): Promise<{ a: TestClient; b: TestClient; aId: string; bId: string }> {
    const a = await connectClient(call.server.url);
    const b = await connectClient(call.server.url);
    const aId = (await joined(a, roomId, 'A')).selfId;
    const bId = (await joined(b, roomId, 'B')).selfId;
    return { a, b, aId, bId };
  }

  it('INVALID_SDP for an offer the media server cannot use, and no endpoint is left behind', async () => {
    const { a, b } = await pair('garbage');
    const camera = await Publisher.start(b);
    peers.push(camera);
    const before = call.server.app.media.objectCount;
    expectError(
      await subscribe(a, { publicationId: camera.id, sdp: garbageSdp }),
      ErrorCode.InvalidSdp,
    );
    expect(call.server.app.media.objectCount).toBe(before);
    expectError(
      await publish(a, { source: 'camera', audio: true, video: true, sdp: garbageSdp }),
      ErrorCode.InvalidSdp,
    );
    expect(call.server.app.media.objectCount).toBe(before);
    // The failed offers used up nothing: real ones still work.
    peers.push(await Publisher.start(a));
    peers.push(await Viewer.start(a, camera.id));
    await expectStillServing();
  });

  it('ALREADY_NEGOTIATED for a second offer on the same subscription', async () => {
    const { a, b } = await pair('twice');
    const publisher = await Publisher.start(a);
    peers.push(publisher);
    const sdp = publisher.pc.localDescription?.sdp ?? '';
    // Two offers for the same publication racing: one wins, one is refused.
    const viewerSdp = sdp.replace(/a=sendonly/g, 'a=recvonly');
    const both = await Promise.all([
      subscribe(b, { publicationId: publisher.id, sdp: viewerSdp }),
      subscribe(b, { publicationId: publisher.id, sdp: viewerSdp }),
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
    const third = await connectClient(call.server.url);
    await joined(third, 'full', 'C');
    const fourth = await connectClient(call.server.url);
    expectError(await join(fourth, { roomId: 'full', displayName: 'D' }), ErrorCode.RoomFull);
    expect(call.server.app.rooms.get('full')?.size).toBe(3);
    // The refused client can still join another room.
    expect((await join(fourth, { roomId: 'not-full', displayName: 'D' })).ok).toBe(true);
    await expectStillServing();
  });

  it('BAD_REQUEST for a candidate that is not an ICE candidate line', async () => {
    const { a, b } = await pair('lines');
    const camera = await Publisher.start(b);
    peers.push(camera);
    const publicationId = camera.id;
    expectError(
      await candidate(a, { publicationId, candidate: { candidate: 'hello', sdpMLineIndex: 0 } }),
      ErrorCode.BadRequest,
    );
    // End-of-candidates (an empty candidate) is fine.
    expect(await candidate(a, { publicationId, candidate: { candidate: '' } })).toEqual({
      ok: true,
      data: null,
    });
    await expectStillServing();
  });

  it('RATE_LIMITED past the candidate budget; queued candidates are bounded', async () => {
    const { a, b } = await pair('flood');
    const camera = await Publisher.start(b);
    peers.push(camera);
    // Candidates may come before the subscribe offer: they queue, within the budget.
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        candidate(a, { publicationId: camera.id, candidate: hostCandidate }),
      ),
    );
    const limited = results.filter((r) => !r.ok && r.error.code === ErrorCode.RateLimited);
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(21);
    expect(limited.length).toBeGreaterThanOrEqual(39);
    await expectStillServing();
  });

  it('INVALID_SDP for a viewer codec the publication does not carry; no endpoint is kept', async () => {
    // A publication is negotiated before anyone can subscribe to it, so the media server knows
    // its codecs and refuses an H264-only viewer of a VP8 camera at once (no transcoding).
    const { a, b } = await pair('codecs');
    const publisher = await Publisher.start(a);
    peers.push(publisher);
    const before = call.server.app.media.objectCount;
    await expect(Viewer.start(b, publisher.id, 'H264')).rejects.toThrow(ErrorCode.InvalidSdp);
    expect(call.server.app.media.objectCount).toBe(before);
    expect(
      call.server.app.rooms.get('codecs')?.getParticipant(publisher.publication.participantId),
    ).toBeDefined();
    // A VP8 viewer is fine afterwards.
    peers.push(await Viewer.start(b, publisher.id));
    await expectStillServing();
  });

  it('racing replace offers: the newer wins, the older is told so, nothing leaks', async () => {
    const { a, b } = await pair('replace-race');
    const publisher = await Publisher.start(a);
    peers.push(publisher);
    const publicationId = publisher.id;
    const sendonly = publisher.pc.localDescription?.sdp ?? '';
    const recvonly = sendonly.replace(/a=sendonly/g, 'a=recvonly');
    expect((await subscribe(b, { publicationId, sdp: recvonly })).ok).toBe(true);
    const settled = call.server.app.media.objectCount;
    const offers = [
      () => subscribe(b, { publicationId, sdp: recvonly, replace: true }),
      () =>
        publish(a, {
          source: 'camera',
          audio: true,
          video: true,
          sdp: sendonly,
          replaces: publicationId,
        }),
    ];
    for (const send of offers) {
      const results: Result<unknown>[] = await Promise.all([0, 1, 2].map(() => send()));
      // Each replace supersedes the one before it while that one is still in flight.
      expect(results.at(-1)?.ok).toBe(true);
      for (const result of results.filter((r) => !r.ok)) {
        expectError(result, ErrorCode.AlreadyNegotiated);
      }
      await waitUntil(() => call.server.app.media.objectCount === settled, 'no leftover endpoints');
    }
    await expectStillServing();
  });
});
