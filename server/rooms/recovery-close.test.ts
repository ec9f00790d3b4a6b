/**
 * Issue 16 on the server: how a socket's end is read. A page that closes its socket (a closed
 * tab, a reload: WebSocket close 1001) has left; a connection that dies under a page that is still
 * there (no close frame: a network that went away) is lost, and the page comes back. A resume that
 * keeps the membership must come from the address it left from: a browser whose address changed
 * has connections bound to an address that is gone, so its membership is replaced instead.
 */
import type { Socket as NetSocket } from 'node:net';

import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';

import { useEmbeddedCall } from '../test/embedded-call';
import { connectClient, join, joined, nextEvent, type TestClient } from '../test/harness';

/** The client's WebSocket under Socket.IO (Node's `ws`), and its TCP socket. */
function rawSocket(client: TestClient): { close(code: number): void; _socket?: NetSocket } {
  const transport = client.io.engine.transport as unknown as {
    ws?: { close(code: number): void; _socket?: NetSocket };
  };
  if (!transport.ws) throw new Error('no WebSocket under this client');
  return transport.ws;
}

/** A client whose connections come from another loopback address (a browser that moved). */
async function connectFrom(url: string, localAddress: string): Promise<TestClient> {
  const options = { transports: ['websocket'], reconnection: false, localAddress };
  const socket: TestClient = connect(url, options);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('a socket that ends', () => {
  // A grace period long enough that "reconnecting" is never confused with "left" here.
  const call = useEmbeddedCall({
    env: { RECONNECT_GRACE_SECONDS: '30', SIGNALING_HEARTBEAT_SECONDS: '2' },
  });
  const opened: TestClient[] = [];
  const client = async (from?: string): Promise<TestClient> => {
    const socket = from
      ? await connectFrom(call.server.url, from)
      : await connectClient(call.server.url);
    opened.push(socket);
    return socket;
  };

  it('without a close frame is a lost connection: shown reconnecting, and the page resumes in place', async () => {
    const ann = await client();
    const bob = await client();
    const first = await joined(ann, 'died', 'Ann');
    await joined(bob, 'died', 'Bob');
    const updated = nextEvent(bob, 'participant:updated', (info) => info.id === first.selfId);
    // The network under the page is gone: the TCP connection ends with no WebSocket close.
    rawSocket(ann)._socket?.destroy();
    expect((await updated)[0].connection).toBe('reconnecting');
    expect(call.server.app.rooms.get('died')?.size).toBe(2);

    const back = nextEvent(bob, 'participant:updated', (info) => info.id === first.selfId);
    const again = await join(await client(), {
      roomId: 'died',
      displayName: 'Ann',
      resume: { participantId: first.selfId, token: first.resumeToken ?? '', keep: true },
    });
    expect(again).toMatchObject({ ok: true, data: { selfId: first.selfId, resumed: true } });
    expect((await back)[0].connection).toBeUndefined();
  });

  it('with the page closing it (1001) is leaving: the others see the participant go at once', async () => {
    const ann = await client();
    const bob = await client();
    const first = await joined(ann, 'closed', 'Ann');
    await joined(bob, 'closed', 'Bob');
    const left = nextEvent(bob, 'participant:left');
    const started = Date.now();
    rawSocket(ann).close(1001);
    expect((await left)[0].participantId).toBe(first.selfId);
    // Far inside the 30 s grace period: no reconnecting phase came first.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a resume that asks to keep, from a new address, replaces the membership', async () => {
    const ann = await client();
    const bob = await client();
    const first = await joined(ann, 'moved', 'Ann');
    await joined(bob, 'moved', 'Bob');
    const left = nextEvent(bob, 'participant:left');
    const arrived = nextEvent(bob, 'participant:joined');
    const again = await join(await client('127.0.0.2'), {
      roomId: 'moved',
      displayName: 'Ann',
      resume: { participantId: first.selfId, token: first.resumeToken ?? '', keep: true },
    });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.data.resumed).toBeUndefined();
    expect(again.data.selfId).not.toBe(first.selfId);
    expect((await left)[0].participantId).toBe(first.selfId);
    expect((await arrived)[0].displayName).toBe('Ann');
    expect(call.server.app.rooms.get('moved')?.size).toBe(2);
    for (const socket of opened.splice(0)) socket.disconnect();
  });
});
