import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode, limits } from '../lib/protocol';
import type { Result } from '../lib/protocol';
import type { TestServer } from './test/harness';
import {
  candidate,
  closeClients,
  connectClient,
  join,
  leave,
  mute,
  publish,
  startServer,
  subscribe,
  unpublish,
  unsubscribe,
  updateSubscription,
} from './test/harness';

/**
 * Requests that fail before any media-server call. The app points at a port where nothing
 * listens, so these also show the server keeps serving while the media server is away.
 */
describe('signaling without a media server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('ws://127.0.0.1:9/kurento', {
      rateLimits: { join: { burst: 3, perSecond: 0.01 } },
    });
  });
  afterEach(() => closeClients());
  afterAll(() => server.close());

  function expectError(result: Result<unknown>, code: ErrorCode): void {
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  }

  /** Another client gets a normal answer: the server still serves. */
  async function expectStillServing(): Promise<void> {
    const other = await connectClient(server.url);
    expect(await leave(other)).toEqual({ ok: true, data: null });
    expectError(await subscribe(other, { publicationId: 'x', sdp: 'v=0' }), ErrorCode.NotInRoom);
  }

  it.each([
    ['a number as room id', { roomId: 42, displayName: 'Ann' }],
    ['no display name', { roomId: 'room-1' }],
    ['a blank display name', { roomId: 'room-1', displayName: '   ' }],
    ['a room id with a slash', { roomId: '../etc', displayName: 'Ann' }],
    ['a number as display name', { roomId: 'room-1', displayName: 7 }],
    ['null', null],
  ])('answers a join with %s with BAD_REQUEST', async (_, payload) => {
    const socket = await connectClient(server.url);
    const result = (await socket
      .timeout(5_000)
      .emitWithAck('room:join', payload as never)) as Result<unknown>;
    expectError(result, ErrorCode.BadRequest);
    await expectStillServing();
  });

  it('answers requests before a join with NOT_IN_ROOM', async () => {
    const socket = await connectClient(server.url);
    const sdp = 'v=0\r\n';
    expectError(
      await publish(socket, { source: 'camera', audio: true, video: true, sdp }),
      ErrorCode.NotInRoom,
    );
    expectError(await subscribe(socket, { publicationId: 'someone', sdp }), ErrorCode.NotInRoom);
    expectError(await unpublish(socket, 'someone'), ErrorCode.NotInRoom);
    expectError(await unsubscribe(socket, 'someone'), ErrorCode.NotInRoom);
    expectError(
      await updateSubscription(socket, { publicationId: 'someone', video: false }),
      ErrorCode.NotInRoom,
    );
    expectError(
      await candidate(socket, {
        publicationId: 'someone',
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0 },
      }),
      ErrorCode.NotInRoom,
    );
    expectError(
      await mute(socket, { publicationId: 'someone', audioMuted: true }),
      ErrorCode.NotInRoom,
    );
    expect(await leave(socket)).toEqual({ ok: true, data: null });
    expect(await leave(socket)).toEqual({ ok: true, data: null });
    await expectStillServing();
  });

  it('answers wrong types in publication requests, candidates and mute with BAD_REQUEST', async () => {
    const socket = await connectClient(server.url);
    const send = (event: string, payload: unknown): Promise<unknown> =>
      socket.timeout(5_000).emitWithAck(event as 'publication:publish', payload as never);
    const sdp = 'v=0\r\n';
    const bad = [
      await send('publication:publish', { source: 'camera', audio: true, video: true, sdp: 'hi' }),
      await send('publication:publish', { source: 'window', audio: true, video: true, sdp }),
      await send('publication:publish', { source: 'screen', audio: false, video: false, sdp }),
      await send('publication:publish', { source: 'camera', audio: 'yes', video: true, sdp }),
      await send('publication:subscribe', { publicationId: 7, sdp }),
      await send('publication:subscribe', { publicationId: '', sdp }),
      await send('publication:unpublish', {}),
      await send('publication:unsubscribe', { publicationId: null }),
      await send('subscription:update', { publicationId: 'a', video: 'off' }),
      await send('subscription:update', { publicationId: 'a', width: -1 }),
      await send('ice:candidate', { publicationId: 'a', candidate: 'candidate:1' }),
      await send('ice:candidate', { senderId: 'a', candidate: { candidate: '' } }),
      await send('publication:mute', { publicationId: 'a', audioMuted: 1 }),
    ];
    for (const result of bad) expectError(result as Result<unknown>, ErrorCode.BadRequest);
    await expectStillServing();
  });

  it('answers an SDP over the size limit with PAYLOAD_TOO_LARGE', async () => {
    const socket = await connectClient(server.url);
    const sdp = `v=0\r\n${'a=x\r\n'.repeat(limits.sdpMaxLength / 5 + 1)}`;
    expectError(await subscribe(socket, { publicationId: 'a', sdp }), ErrorCode.PayloadTooLarge);
    await expectStillServing();
  });

  it('drops a connection that sends a message over messageMaxBytes, and only that one', async () => {
    const socket = await connectClient(server.url);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit(
      'publication:subscribe',
      { publicationId: 'a', sdp: `v=0${'x'.repeat(limits.messageMaxBytes)}` },
      () => {
        throw new Error('an oversized message must not be answered');
      },
    );
    expect(await disconnected).toMatch(/transport (close|error)/);
    await expectStillServing();
  });

  it('ignores requests without an acknowledgement and unknown events', async () => {
    const socket = await connectClient(server.url);
    socket.emit('room:join', { roomId: 42 } as never, undefined as never);
    (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit('nope', 1, 2);
    expect(await leave(socket)).toEqual({ ok: true, data: null });
  });

  it('rate-limits joins per connection', async () => {
    const socket = await connectClient(server.url);
    const results: Result<unknown>[] = [];
    for (let i = 0; i < 5; i += 1) {
      results.push(await join(socket, { roomId: 42 } as never));
    }
    expect(results.slice(0, 3).every((r) => !r.ok && r.error.code === ErrorCode.BadRequest)).toBe(
      true,
    );
    expectError(results[3]!, ErrorCode.RateLimited);
    expectError(results[4]!, ErrorCode.RateLimited);
    await expectStillServing();
  });

  it('answers a join with MEDIA_SERVER_UNAVAILABLE while the media server is away', async () => {
    const socket = await connectClient(server.url);
    expectError(
      await join(socket, { roomId: 'room-1', displayName: 'Ann' }),
      ErrorCode.MediaServerUnavailable,
    );
    expect(server.app.rooms.roomCount).toBe(0);
    await expectStillServing();
  });

  it('serves /healthz, /readyz (not ready) and /metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'moim_rooms',
      'moim_participants',
      'moim_media_objects',
      'moim_join_duration_seconds',
      'moim_media_rpc_duration_seconds',
      'moim_errors_total{code="BAD_REQUEST"}',
    ]) {
      expect(metrics).toContain(name);
    }
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404);
  });

  it('answers every one of a few hundred random payloads with an error code, and keeps serving', async () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = (depth: number): unknown => {
      const roll = next();
      if (depth > 2 || roll < 0.15) return Math.floor(next() * 1e9) - 5e8;
      if (roll < 0.3) return 'v=0'.repeat(Math.floor(next() * 5));
      if (roll < 0.4) return null;
      if (roll < 0.5) return next() < 0.5;
      if (roll < 0.65) return Array.from({ length: 3 }, () => values(depth + 1));
      return Object.fromEntries(
        [
          'roomId',
          'displayName',
          'publicationId',
          'source',
          'sdp',
          'candidate',
          '__proto__',
          'audio',
          'video',
          'audioMuted',
        ]
          .filter(() => next() < 0.5)
          .map((key) => [key, values(depth + 1)]),
      );
    };
    const socket = await connectClient(server.url);
    const events = [
      'room:join',
      'publication:publish',
      'publication:unpublish',
      'publication:subscribe',
      'publication:unsubscribe',
      'subscription:update',
      'publication:mute',
      'ice:candidate',
    ] as const;
    for (let i = 0; i < 300; i += 1) {
      const event = events[i % events.length]!;
      // Generous: a join that looks valid waits for the absent media server, and a busy machine
      // (the whole suite in parallel) stretches that; what is checked is the code, not the time.
      const result = (await socket
        .timeout(20_000)
        .emitWithAck(event, values(0) as never)) as Result<unknown>;
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(Object.values(ErrorCode)).toContain(result.error.code);
        expect(result.error.code).not.toBe(ErrorCode.Internal);
      }
    }
    await expectStillServing();
  });
});
