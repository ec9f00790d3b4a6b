import type { Socket as NetSocket } from 'node:net';

import { io as connect } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';

import type {
  ClientToServerEvents,
  JoinRoomRequest,
  JoinRoomResult,
  PublicationCandidateRequest,
  PublicationMuteRequest,
  PublishRequest,
  PublishResult,
  Result,
  ServerToClientEvents,
  SubscribeRequest,
  SubscriptionUpdateRequest,
} from '../../lib/protocol';
import { createApp } from '../app';
import { singleAddressLoadLimits } from '../limits/config';
import type { App, CreateAppOptions } from '../app';
import { parseEnv } from '../env';
import { createLogger } from '../logger';
import type { Logger } from '../logger';
import { EmbeddedMediaServer, resolveMediaServerEntry } from '../media/embedded';
import type { RateLimits } from '../signaling/rate-limit';

export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** `TEST_LOG=debug npx vitest run server` shows the server's logs. */
export function testLogger(): Logger {
  return createLogger(process.env['TEST_LOG'] ?? 'silent');
}

/** The real embedded media server, forked, its candidates restricted to loopback. */
export function startMediaServer(
  logger: Logger = testLogger(),
  options: { recordingsDir?: string } = {},
): Promise<EmbeddedMediaServer> {
  return EmbeddedMediaServer.start({
    entry: resolveMediaServerEntry(process.cwd()),
    media: {
      iceAddresses: '127.0.0.1',
      logLevel: process.env['TEST_LOG'] ?? 'warn',
      ...(options.recordingsDir ? { recordingsDir: options.recordingsDir } : {}),
    },
    logger,
    output: 'inherit',
  });
}

export interface TestServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

/** A real app (no Next.js) on 127.0.0.1 port 0, connected to `mediaServerUrl`. */
export async function startServer(
  mediaServerUrl: string | readonly string[],
  options: {
    rateLimits?: Partial<RateLimits>;
    env?: Record<string, string>;
    mediaClient?: CreateAppOptions['mediaClient'];
    abuseLimits?: CreateAppOptions['abuseLimits'];
    access?: CreateAppOptions['access'];
  } = {},
): Promise<TestServer> {
  const env = parseEnv({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...options.env });
  const app = createApp({
    env,
    logger: testLogger(),
    mediaServerUrl: typeof mediaServerUrl === 'string' ? mediaServerUrl : mediaServerUrl[0]!,
    ...(typeof mediaServerUrl === 'string' ? {} : { mediaServerUrls: mediaServerUrl }),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.mediaClient ? { mediaClient: options.mediaClient } : {}),
    abuseLimits: options.abuseLimits ?? singleAddressLoadLimits,
    ...(options.access ? { access: options.access } : {}),
  });
  const port = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

const openClients = new Set<TestClient>();

export async function connectClient(url: string): Promise<TestClient> {
  const socket: TestClient = connect(url, { transports: ['websocket'], reconnection: false });
  openClients.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export function closeClients(): void {
  for (const socket of openClients) socket.disconnect();
  openClients.clear();
}

const requestTimeoutMs = 15_000;

export function join(
  socket: TestClient,
  request: JoinRoomRequest,
): Promise<Result<JoinRoomResult>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('room:join', request);
}

export function publish(
  socket: TestClient,
  request: PublishRequest,
): Promise<Result<PublishResult>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('publication:publish', request);
}

export function unpublish(socket: TestClient, publicationId: string): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('publication:unpublish', { publicationId });
}

export function subscribe(
  socket: TestClient,
  request: SubscribeRequest,
): Promise<Result<{ sdp: string }>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('publication:subscribe', request);
}

export function unsubscribe(socket: TestClient, publicationId: string): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('publication:unsubscribe', { publicationId });
}

export function updateSubscription(
  socket: TestClient,
  request: SubscriptionUpdateRequest,
): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('subscription:update', request);
}

export function candidate(
  socket: TestClient,
  request: PublicationCandidateRequest,
): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('ice:candidate', request);
}

export function mute(socket: TestClient, request: PublicationMuteRequest): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('publication:mute', request);
}

export function leave(socket: TestClient): Promise<Result<null>> {
  return socket.timeout(requestTimeoutMs).emitWithAck('room:leave');
}

/** Joins and returns the data, failing the test on an error result. */
export async function joined(
  socket: TestClient,
  roomId: string,
  displayName: string,
): Promise<JoinRoomResult> {
  const result = await join(socket, { roomId, displayName });
  if (!result.ok) throw new Error(`join failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** Join fields beside the room and the name (credentials, tokens, a resume). */
export type JoinExtra = Omit<Partial<JoinRoomRequest>, 'roomId' | 'displayName'>;

/** A new client that joined `roomId` as `displayName` (with `extra` join fields), failing the test otherwise. */
export async function person(
  url: string,
  roomId: string,
  displayName: string,
  extra: JoinExtra = {},
): Promise<{ socket: TestClient; info: JoinRoomResult }> {
  const socket = await connectClient(url);
  const result = await join(socket, { roomId, displayName, ...extra });
  if (!result.ok) throw new Error(`${displayName}: ${result.error.code}`);
  return { socket, info: result.data };
}

/** The next `event` on `socket` that matches `filter`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
  filter: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>): void => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args);
    };
    socket.on(event, listener as never);
  });
}

/** Polls `probe` until it returns true (state, not time, ends the wait). */
export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A minimal SDP that passes the schema but no media server can use. */
export const garbageSdp = 'v=0\r\nthis is not an offer\r\n';

/**
 * Stops reading the client's TCP stream: no pong goes back and nothing is closed, as when its path
 * is cut. The server finds out by its heartbeat ('ping timeout').
 */
export function silence(socket: TestClient): void {
  const transport = socket.io.engine.transport as unknown as { ws?: { _socket?: NetSocket } };
  const tcp = transport.ws?._socket;
  if (!tcp) throw new Error('no TCP socket under this client');
  tcp.pause();
}
