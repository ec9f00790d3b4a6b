import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import { MediaServerClient } from './kurento/client';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestServer } from './test/harness';
import {
  closeClients,
  connectClient,
  joined,
  nextEvent,
  startMediaServer,
  startServer,
  testLogger,
  waitUntil,
} from './test/harness';
import { Publisher } from './test/peers';

/** A TCP relay whose connections the test can cut, as a network failure between app and KMS would. */
async function startRelay(
  target: number,
): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const relay: Server = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}

describe('media server faults', () => {
  let media: EmbeddedMediaServer;

  beforeAll(async () => {
    media = await startMediaServer();
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await media?.close();
  });

  it('a dropped connection closes the rooms with MEDIA_SERVER_UNAVAILABLE; joins work once it is back', async () => {
    const relay = await startRelay(media.port);
    // Through the relay, with the embedded server's access token.
    const viaRelay = new URL(media.url);
    viaRelay.port = String(relay.port);
    const server = await startServer(viaRelay.href);
    try {
      await server.app.media.waitConnected(20_000);
      const ann = await connectClient(server.url);
      const bob = await connectClient(server.url);
      await joined(ann, 'drop', 'Ann');
      await joined(bob, 'drop', 'Bob');
      const publisher = await Publisher.start(ann);
      const closed = [nextEvent(ann, 'room:closed'), nextEvent(bob, 'room:closed')];

      relay.cut();

      for (const [event] of await Promise.all(closed)) {
        expect(event.code).toBe(ErrorCode.MediaServerUnavailable);
        expect(event.message).toMatch(/media server/i);
      }
      expect(server.app.rooms.roomCount).toBe(0);
      expect(server.app.media.objectCount).toBe(0);
      await publisher.close();

      // The client reconnects by itself and releases what the lost connection left behind.
      await waitUntil(() => server.app.media.connected, 'reconnected');
      await waitUntil(
        async () => (await server.app.media.getPipelineIds()).length === 0,
        'orphaned pipeline released',
      );
      const again = await joined(ann, 'drop', 'Ann');
      expect(again.participants).toEqual([]);
      expect((await joined(bob, 'drop', 'Bob')).participants.map((p) => p.id)).toEqual([
        again.selfId,
      ]);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
      await relay.close();
    }
  });

  it('a crashed embedded media server is restarted; rooms close with MEDIA_SERVER_UNAVAILABLE, then joins work', async () => {
    const server: TestServer = await startServer(media.url);
    try {
      await server.app.media.waitConnected(20_000);
      const ann = await connectClient(server.url);
      await joined(ann, 'crash', 'Ann');
      const closed = nextEvent(ann, 'room:closed');
      const restarted = new Promise<void>((resolve) => media.once('restarted', resolve));
      const oldPid = media.pid;

      const killedAt = performance.now();
      media.kill('SIGKILL');

      expect((await closed)[0].code).toBe(ErrorCode.MediaServerUnavailable);
      const toldAfter = performance.now() - killedAt;
      expect(server.app.rooms.roomCount).toBe(0);
      await restarted;
      expect(media.pid).not.toBe(oldPid);
      await waitUntil(() => server.app.media.connected, 'reconnected', 20_000);
      const again = await joined(ann, 'crash', 'Ann');
      console.info(
        `media server killed: room:closed after ${toldAfter.toFixed(0)} ms, ` +
          `joined again after ${(performance.now() - killedAt).toFixed(0)} ms`,
      );
      expect(again.participants).toEqual([]);
      expect(await server.app.media.getPipelineIds()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a media server that stops answering (socket still open) counts as lost; it is used again once it answers', async () => {
    const server = await startServer(media.url, {
      mediaClient: { heartbeatMs: 250, heartbeatTimeoutMs: 1_500 },
    });
    try {
      await server.app.media.waitConnected(20_000);
      const ann = await connectClient(server.url);
      await joined(ann, 'frozen', 'Ann');
      const closed = nextEvent(ann, 'room:closed');
      const pid = media.pid;
      expect(pid).toBeDefined();

      process.kill(pid!, 'SIGSTOP');
      try {
        expect((await closed)[0].code).toBe(ErrorCode.MediaServerUnavailable);
        expect(server.app.media.connected).toBe(false);
        expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      } finally {
        process.kill(pid!, 'SIGCONT');
      }

      await waitUntil(() => server.app.media.connected, 'reconnected', 20_000);
      expect(media.pid).toBe(pid);
      // The pipeline the lost connection left behind is released through the new one.
      await waitUntil(
        async () => (await server.app.media.getPipelineIds()).length === 0,
        'orphaned pipeline released',
      );
      expect((await joined(ann, 'frozen', 'Ann')).participants).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a media server that misses one heartbeat (busy for a moment) keeps its rooms', async () => {
    const server = await startServer(media.url, {
      mediaClient: { heartbeatMs: 250, heartbeatTimeoutMs: 1_500 },
    });
    try {
      await server.app.media.waitConnected(20_000);
      const ann = await connectClient(server.url);
      await joined(ann, 'busy', 'Ann');
      const closedCodes: string[] = [];
      ann.on('room:closed', ({ code }) => closedCodes.push(code));
      let dropped = false;
      const onLost = (): void => {
        dropped = true;
      };
      server.app.media.on('lost', onLost);
      const pid = media.pid;
      expect(pid).toBeDefined();

      // Paused for longer than one ping's timeout plus an interval (1.75 s), so one ping goes
      // unanswered for certain, and for less than two timeouts, so the next one is answered.
      process.kill(pid!, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 2_300));
      process.kill(pid!, 'SIGCONT');
      // Two more heartbeats after the media server is back.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      server.app.media.off('lost', onLost);

      expect(dropped).toBe(false);
      expect(closedCodes).toEqual([]);
      expect(server.app.media.connected).toBe(true);
      expect(server.app.rooms.roomCount).toBe(1);
      expect(await server.app.media.getPipelineIds()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('shutdown tells clients, releases every media object and closes the sockets', async () => {
    const server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
    const ann = await connectClient(server.url);
    const bob = await connectClient(server.url);
    await joined(ann, 'bye', 'Ann');
    await joined(bob, 'bye', 'Bob');
    const told = [ann, bob].map((socket) => nextEvent(socket, 'room:closed'));
    // Told it is a restart first, so the client keeps the call and reconnects instead of ending.
    const heard: string[] = [];
    ann.on('server:restarting', ({ retryAfterMs }) => heard.push(`restarting ${retryAfterMs > 0}`));
    ann.on('room:closed', ({ code }) => heard.push(code));
    const disconnected = new Promise((resolve) => ann.once('disconnect', resolve));

    await server.close();

    for (const [event] of await Promise.all(told)) expect(event.code).toBe(ErrorCode.ShuttingDown);
    expect(heard).toEqual(['restarting true', ErrorCode.ShuttingDown]);
    await disconnected;
    // A separate Kurento session sees no pipeline left.
    const observer = new MediaServerClient(media.url, { logger: testLogger() });
    observer.start();
    try {
      await observer.waitConnected(10_000);
      expect(await observer.getPipelineIds()).toEqual([]);
    } finally {
      await observer.close();
    }
  });
});
