/**
 * The join sent at the click (issue 18) against a real Socket.IO server and client: what the
 * server sends before the call's listeners are attached (the answer, the room's first events, the
 * lobby's notice before an answer) reaches them in order, exactly once, when the call adopts it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Server, type Socket as ServerSocket } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

import type {
  ClientToServerEvents,
  JoinRoomResult,
  PublicationInfo,
  Result,
  ServerToClientEvents,
} from '../protocol';
import { CallRequestError } from './CallError';
import { EarlyJoin } from './EarlyJoin';
import type { CallSocket } from './SignalingClient';

type Served = ServerSocket<ClientToServerEvents, ServerToClientEvents>;

const camera: PublicationInfo = {
  id: 'cam-ann',
  participantId: 'ann',
  source: 'camera',
  audio: true,
  video: true,
  audioMuted: false,
  videoMuted: false,
};

const answer: JoinRoomResult = {
  selfId: 'bob',
  roomId: 'r',
  participants: [{ id: 'ann', displayName: 'Ann', publications: [] }],
  iceServers: [],
  iceTransportPolicy: 'all',
  meeting: { chat: [], hands: [] },
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server whose `room:join` does what `onJoin` says; resolves with a connected client. */
async function serve(
  onJoin: (socket: Served, ack: (result: Result<JoinRoomResult>) => void) => void,
): Promise<{ client: CallSocket; served: Promise<Served> }> {
  const http = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  let servedSocket: (s: Served) => void = () => undefined;
  const served = new Promise<Served>((resolve) => (servedSocket = resolve));
  server.on('connection', (socket) => {
    servedSocket(socket);
    socket.on('room:join', (_request, ack) => onJoin(socket, ack));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client: CallSocket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  closers.push(async () => {
    client.disconnect();
    await server.close();
  });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, served };
}

/** Resolves once the client has received `event` (seen by a listener of all events, as the app has none). */
function received(client: CallSocket, event: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = (name: string): void => {
      if (name !== event) return;
      client.offAny(seen);
      resolve();
    };
    client.onAny(seen);
  });
}

/** The call's listeners, attached late (the view has mounted): what they saw, in order. */
function listen(client: CallSocket, early: EarlyJoin): string[] {
  const log: string[] = [];
  client.on('access:waiting', ({ reason }) => log.push(`waiting ${reason}`));
  client.on('publication:added', (p) => log.push(`added ${p.id}`));
  client.on('publication:removed', (p) => log.push(`removed ${p.publicationId}`));
  early.adopt({
    answered: (result) => log.push(`answer ${result.selfId} sees ${result.participants.length}`),
    failed: (error) => log.push(`failed ${error instanceof CallRequestError ? error.code : '?'}`),
  });
  return log;
}

describe('EarlyJoin', () => {
  it('an answer and the first publication that came before the call listened reach it in order, once', async () => {
    const { client, served } = await serve((socket, ack) => {
      ack({ ok: true, data: answer });
      socket.emit('publication:added', camera);
    });
    const arrived = received(client, 'publication:added');
    const early = new EarlyJoin(client, { roomId: 'r', displayName: 'Bob' });
    await arrived;

    const log = listen(client, early);
    expect(log).toEqual(['answer bob sees 1', 'added cam-ann']);

    // From now on the socket's events reach the call directly, and only once.
    const removed = received(client, 'publication:removed');
    (await served).emit('publication:removed', { publicationId: 'cam-ann', participantId: 'ann' });
    await removed;
    expect(log).toEqual(['answer bob sees 1', 'added cam-ann', 'removed cam-ann']);
  });

  it('adopted before the answer: the answer reaches the call when it comes, before what follows it', async () => {
    let answerNow: (() => void) | undefined;
    let atServer: () => void = () => undefined;
    const joinAtServer = new Promise<void>((resolve) => (atServer = resolve));
    const { client } = await serve((socket, ack) => {
      answerNow = () => {
        ack({ ok: true, data: answer });
        socket.emit('publication:added', camera);
      };
      atServer();
    });
    const early = new EarlyJoin(client, { roomId: 'r', displayName: 'Bob' });
    const log = listen(client, early);
    await joinAtServer;
    expect(log).toEqual([]);

    const arrived = received(client, 'publication:added');
    answerNow?.();
    await arrived;
    expect(log).toEqual(['answer bob sees 1', 'added cam-ann']);
  });

  it("the lobby's notice, sent before the answer, comes before it", async () => {
    const { client } = await serve((socket, ack) => {
      socket.emit('access:waiting', { reason: 'lobby' });
      ack({ ok: true, data: answer });
      socket.emit('publication:added', camera);
    });
    const arrived = received(client, 'publication:added');
    const early = new EarlyJoin(client, { roomId: 'r', displayName: 'Bob' });
    await arrived;
    expect(listen(client, early)).toEqual(['waiting lobby', 'answer bob sees 1', 'added cam-ann']);
  });

  it('a refused join fails the call; a join dropped before the call took it keeps nothing', async () => {
    const { client } = await serve((_socket, ack) => {
      ack({ ok: false, error: { code: 'ROOM_FULL', message: 'full' } });
    });
    const refused = new EarlyJoin(client, { roomId: 'r', displayName: 'Bob' });
    const log = listen(client, refused);
    await expect.poll(() => log).toEqual(['failed ROOM_FULL']);

    const dropped = new EarlyJoin(client, { roomId: 'r', displayName: 'Bob' });
    dropped.close();
    expect(dropped.adopt({ answered: () => undefined, failed: () => undefined })).toBe(false);
  });
});
