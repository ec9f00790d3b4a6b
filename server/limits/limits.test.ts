import { request } from 'node:http';

import { io as connect } from 'socket.io-client';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { Result } from '../../lib/protocol';
import { createApp } from '../app';
import type { App } from '../app';
import { parseEnv } from '../env';
import type { TestClient } from '../test/harness';
import { testLogger } from '../test/harness';
import type { AbuseLimitOverrides } from './config';

/**
 * Limits keyed by the client's address hold across reconnects. No media server is needed: every
 * limit is checked before a request reaches one (joins fail with MEDIA_SERVER_UNAVAILABLE until
 * the limit refuses them). Clients bind distinct loopback addresses to be distinct clients.
 */
const noMediaServer = 'ws://127.0.0.1:9/kurento';
const candidate = {
  publicationId: 'mine',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0' },
};

let app: App;
let url: string;
const sockets = new Set<TestClient>();

async function start(limits: AbuseLimitOverrides, env: Record<string, string> = {}): Promise<void> {
  app = createApp({
    env: parseEnv({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...env }),
    logger: testLogger(),
    mediaServerUrl: noMediaServer,
    abuseLimits: limits,
    // Only the address limits are under test: the per-socket ones stay out of the way.
    rateLimits: {
      join: { burst: 1000, perSecond: 1000 },
      candidate: { burst: 1000, perSecond: 1000 },
    },
  });
  const port = await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}`;
}

function open(from = '127.0.0.1', extra: Record<string, string> = {}): TestClient {
  // engine.io-client hands `localAddress` to ws; its typings do not list it.
  const options = {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    localAddress: from,
  };
  const socket: TestClient = connect(url, {
    ...(options as Partial<ManagerOptions & SocketOptions>),
    extraHeaders: extra,
  });
  sockets.add(socket);
  return socket;
}

async function connected(from?: string): Promise<TestClient> {
  const socket = open(from);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function refusedConnecting(socket: TestClient): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected')));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

function tryJoin(socket: TestClient, roomId = 'limits'): Promise<Result<unknown>> {
  return socket.timeout(10_000).emitWithAck('room:join', { roomId, displayName: 'Ada' });
}

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

afterEach(async () => {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
  await app?.close();
});

describe('limits per address', () => {
  it('joins: reconnecting does not refill them; another address is not affected', async () => {
    await start({ perAddress: { join: { burst: 3, perSecond: 0.001 } } });
    const codes: string[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const socket = await connected();
      codes.push(code(await tryJoin(socket)));
      socket.disconnect();
    }
    expect(codes.slice(0, 3)).not.toContain(ErrorCode.RateLimited);
    expect(codes[3]).toBe(ErrorCode.RateLimited);
    const other = await connected('127.0.0.2');
    expect(code(await tryJoin(other))).not.toBe(ErrorCode.RateLimited);
  });

  it('rooms created: a new room costs a token, joining an open one does not', async () => {
    await start({ perAddress: { roomCreate: { burst: 2, perSecond: 0.001 } } });
    const socket = await connected();
    expect(code(await tryJoin(socket, 'one'))).not.toBe(ErrorCode.RateLimited);
    expect(code(await tryJoin(socket, 'two'))).not.toBe(ErrorCode.RateLimited);
    const third = await tryJoin(socket, 'three');
    expect(code(third)).toBe(ErrorCode.RateLimited);
    expect(third.ok ? '' : third.error.message).toMatch(/new meetings/);
  });

  it('ICE candidates: the address budget holds across reconnects', async () => {
    await start({
      perAddress: { candidate: { burst: 30, perSecond: 0.001 } },
      perConnection: { candidatesPerOffer: 1000 },
    });
    const first = await connected();
    for (let i = 0; i < 20; i += 1) {
      const result = await first.emitWithAck('ice:candidate', candidate);
      expect(code(result)).toBe(ErrorCode.NotInRoom);
    }
    first.disconnect();
    const second = await connected();
    const codes: string[] = [];
    for (let i = 0; i < 11; i += 1)
      codes.push(code(await second.emitWithAck('ice:candidate', candidate)));
    expect(codes.slice(0, 10)).toEqual(Array<string>(10).fill(ErrorCode.NotInRoom));
    expect(codes[10]).toBe(ErrorCode.RateLimited);
  });

  it('ICE candidates: a connection may send only so many per offer', async () => {
    await start({ perConnection: { candidatesPerOffer: 5 } });
    const socket = await connected();
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push(code(await socket.emitWithAck('ice:candidate', candidate)));
    expect(codes.slice(0, 5)).toEqual(Array<string>(5).fill(ErrorCode.NotInRoom));
    expect(codes[5]).toBe(ErrorCode.RateLimited);
  });

  it('ICE candidates: an offer that fails earns none', async () => {
    await start({ perConnection: { candidatesPerOffer: 3 } });
    const socket = await connected();
    const sdp = 'v=0\r\n';
    for (let i = 0; i < 3; i += 1) {
      const result = await socket.emitWithAck('publication:publish', {
        source: 'camera',
        audio: true,
        video: true,
        sdp,
      });
      expect(code(result)).toBe(ErrorCode.NotInRoom);
    }
    const codes: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      codes.push(code(await socket.emitWithAck('ice:candidate', candidate)));
    }
    expect(codes).toEqual([...Array<string>(3).fill(ErrorCode.NotInRoom), ErrorCode.RateLimited]);
  });

  it('a socket that keeps exceeding limits is disconnected', async () => {
    await start({
      perConnection: { candidatesPerOffer: 1, strikes: { burst: 5, perSecond: 0.001 } },
    });
    const socket = await connected();
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 10; i += 1) socket.emit('ice:candidate', candidate, () => undefined);
    expect(await gone).toBe('io server disconnect');
  });

  it('open connections: one too many is refused, a closed one frees its place', async () => {
    await start({ perAddress: { connections: 3 } });
    const open3 = [await connected(), await connected(), await connected()];
    expect(await refusedConnecting(open('127.0.0.1'))).toMatch(/websocket error/);
    const other = await connected('127.0.0.3');
    expect(other.connected).toBe(true);
    open3[0]?.disconnect();
    await expect
      .poll(async () => {
        const socket = open();
        return new Promise<boolean>((resolve) => {
          socket.once('connect', () => resolve(true));
          socket.once('connect_error', () => resolve(false));
        });
      })
      .toBe(true);
  });

  it('new connections: a burst of handshakes is cut off, and says why', async () => {
    await start({ perAddress: { connect: { burst: 4, perSecond: 0.001 } } });
    for (let i = 0; i < 4; i += 1) (await connected()).disconnect();
    const refused = await handshake({});
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(ErrorCode.RateLimited);
  });
});

describe('the handshake Origin', () => {
  it('refuses a page of another site, accepts the app’s own host and no Origin at all', async () => {
    await start({});
    const port = new URL(url).port;
    const foreign = await handshake({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain(ErrorCode.OriginForbidden);
    expect((await handshake({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await handshake({})).status).toBe(200);
    expect(await refusedConnecting(open('127.0.0.1', { origin: 'https://evil.example' }))).toMatch(
      /websocket error/,
    );
  });

  it('with PUBLIC_URL, only that origin (and ALLOWED_ORIGINS) may connect', async () => {
    await start(
      {},
      { PUBLIC_URL: 'https://meet.example.com', ALLOWED_ORIGINS: 'https://intranet.example.com' },
    );
    const port = new URL(url).port;
    expect((await handshake({ origin: 'https://meet.example.com' })).status).toBe(200);
    expect((await handshake({ origin: 'https://intranet.example.com' })).status).toBe(200);
    // The Host header matches, but PUBLIC_URL says where the app lives (DNS rebinding).
    expect((await handshake({ origin: `http://127.0.0.1:${port}` })).status).toBe(403);
  });
});

/** A raw Engine.IO polling handshake, to read the refusal as the browser gets it. */
function handshake(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&transport=polling`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
