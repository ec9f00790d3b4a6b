import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { PrejoinPrepareResult, Result } from '../lib/protocol';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestClient, TestServer } from './test/harness';
import {
  closeClients,
  connectClient,
  joined,
  nextEvent,
  startMediaServer,
  startServer,
  waitUntil,
} from './test/harness';

function prepare(socket: TestClient, payload: unknown): Promise<Result<PrejoinPrepareResult>> {
  // Payloads are whatever a client sends; the server validates them.
  return socket.timeout(5000).emitWithAck('prejoin:prepare', payload as { roomId: string });
}

describe('prejoin:prepare (issue 18)', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;
  let tokenServer: TestServer;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url, {
      env: { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'a-long-enough-secret' },
    });
    tokenServer = await startServer(media.url, {
      env: { ROOM_TOKEN_SECRET: 'x'.repeat(32) },
    });
    await server.app.media.waitConnected(20_000);
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await tokenServer?.close();
    await server?.close();
    await media?.close();
  });

  it('answers the ICE configuration and creates nothing: no room, no participant, no media object', async () => {
    const ann = await connectClient(server.url);
    await joined(ann, 'prepare-room', 'Ann');
    const objects = server.app.media.objectCount;
    const arrivals: string[] = [];
    ann.on('participant:joined', (p) => arrivals.push(p.displayName));

    const bob = await connectClient(server.url);
    const result = await prepare(bob, { roomId: 'prepare-room' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.iceTransportPolicy).toBe('all');
    expect(result.data.ttlMs).toBeGreaterThan(0);
    // A TURN pair minted for this connection, as a join would get one.
    const turn = result.data.iceServers.find((s) => s.username !== undefined);
    expect(turn?.username).toMatch(/^\d+:prejoin-/);
    expect(turn?.credential).toBeTruthy();

    // Preparing a room nobody opened does not open it either.
    expect((await prepare(bob, { roomId: 'never-opened' })).ok).toBe(true);
    const status = await (await fetch(`${server.url}/api/rooms/never-opened`)).json();
    expect(status).toMatchObject({ participants: 0 });
    expect(server.app.media.objectCount).toBe(objects);

    // Bob's socket goes: still nothing changed, and Ann heard of no one.
    bob.disconnect();
    const room = await (await fetch(`${server.url}/api/rooms/prepare-room`)).json();
    expect(room).toMatchObject({ participants: 1 });
    expect(server.app.media.objectCount).toBe(objects);
    // A real join after a prepare is the first thing Ann hears of anyone.
    const carol = await connectClient(server.url);
    expect((await prepare(carol, { roomId: 'prepare-room' })).ok).toBe(true);
    const heard = nextEvent(ann, 'participant:joined');
    await joined(carol, 'prepare-room', 'Carol');
    expect((await heard)[0].displayName).toBe('Carol');
    expect(arrivals).toEqual(['Carol']);
  });

  it('refuses bad input, a prepare after joining, and (with join tokens) a prepare without one', async () => {
    const bob = await connectClient(server.url);
    for (const bad of [undefined, {}, { roomId: 'not a room!' }, { roomId: 7 }]) {
      expect(await prepare(bob, bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await prepare(bob, { roomId: 'x'.repeat(100) })).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    const cid = await connectClient(server.url);
    await joined(cid, 'prepare-bad', 'Cid');
    expect(await prepare(cid, { roomId: 'prepare-bad' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_IN_ROOM' },
    });

    const dan = await connectClient(tokenServer.url);
    expect(await prepare(dan, { roomId: 'prepare-token' })).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_REQUIRED' },
    });
    expect(await prepare(dan, { roomId: 'prepare-token', token: 'forged' })).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_INVALID' },
    });
    // The server goes on serving the others.
    const eve = await connectClient(server.url);
    expect((await prepare(eve, { roomId: 'prepare-bad' })).ok).toBe(true);
  });

  it('is rate-limited like the joins', async () => {
    const flood = await connectClient(server.url);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => prepare(flood, { roomId: 'prepare-flood' })),
    );
    expect(results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length).toBeGreaterThan(
      0,
    );
    await waitUntil(() => flood.connected, 'the socket stays up');
  });
});
