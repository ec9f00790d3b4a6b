import { createServer } from 'node:http';
import type { RequestListener, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Server } from 'socket.io';

import { ErrorCode, limits, lobbyWaitMs } from '../lib/protocol';
import type { Env } from './env';
import { createRequestListener } from './http/routes';
import { AdmissionControl } from './access/admission';
import { AccessGate } from './access/gate';
import { secretKey } from './access/credentials';
import { Cluster } from './cluster/cluster';
import { AbuseGuard } from './limits/guard';
import { resolveLimits } from './limits/config';
import type { AbuseLimitOverrides } from './limits/config';
import type { MediaServerClient, MediaServerClientOptions } from './kurento/client';
import { MediaServerPool } from './kurento/pool';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { Metrics } from './metrics';
import { Recordings } from './recording/recordings';
import { FileSigner } from './recording/signed-urls';
import { RoomManager } from './rooms/room-manager';
import { attachSignaling } from './signaling/attach';
import type { SignalingServer } from './signaling/attach';
import { defaultRateLimits } from './signaling/rate-limit';
import { iceConfigFor, mediaTurnUrlFor } from './turn/ice-config';
import type { RateLimits } from './signaling/rate-limit';

export interface CreateAppOptions {
  env: Env;
  logger: Logger;
  /** Kurento Protocol WebSocket URL (`ws://host:port/kurento`): real KMS or the embedded server. */
  mediaServerUrl: string;
  /** Several media servers (a pool; each room lives on one). When set, `mediaServerUrl` is ignored. */
  mediaServerUrls?: readonly string[];
  /** Next.js (or any) handler for everything that is not signaling, health or metrics. */
  requestHandler?: RequestListener;
  /** Per-connection limits; tests lower or raise them. */
  rateLimits?: Partial<RateLimits>;
  /** Limits per address, room and server (`limits/config.ts`); tests and benchmarks change them. */
  abuseLimits?: AbuseLimitOverrides;
  /** Development: the pages' CSP allows what Next.js's dev runtime needs. */
  dev?: boolean;
  /** Media-server connection tuning (heartbeat, timeouts); tests shorten them. */
  mediaClient?: Omit<MediaServerClientOptions, 'logger' | 'observer'>;
  /** Tests shorten the lobby's and password's wait. */
  access?: { waitMs?: number };
}

export interface App {
  httpServer: HttpServer;
  io: SignalingServer;
  /** The first (usually only) media server. */
  media: MediaServerClient;
  pool: MediaServerPool;
  rooms: RoomManager;
  metrics: Metrics;
  /** With REDIS_URL: this instance's part of the cluster. */
  cluster: Cluster | undefined;
  /** Resolves with the port actually bound (pass 0 for any). */
  listen(port: number, host: string): Promise<number>;
  /** Tells clients, releases every media object, closes sockets and the media-server connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * How long clients wait before their first reconnection after a planned restart: about what the
 * process needs to exit, so the first try does not hit a port nobody listens on yet. They keep
 * trying after it (Socket.IO's back-off) until the new process answers.
 */
const restartRetryAfterMs = 2000;

export function createApp(options: CreateAppOptions): App {
  const { env, logger } = options;
  // The gauges read the rooms and the media client, which need the metrics first.
  const sources = {
    rooms: undefined as RoomManager | undefined,
    pool: undefined as MediaServerPool | undefined,
  };
  const metrics = createMetrics({
    rooms: () => sources.rooms?.roomCount ?? 0,
    participants: () => sources.rooms?.participantCount ?? 0,
    mediaObjects: () => sources.pool?.objectCount ?? 0,
  });
  const urls = options.mediaServerUrls ?? [options.mediaServerUrl];
  // Only with REDIS_URL: several instances sharing rooms (server/cluster). Without it, none of it.
  const cluster = env.cluster
    ? new Cluster({
        redisUrl: env.cluster.redisUrl,
        logger: logger.child({ component: 'cluster' }),
      })
    : undefined;
  const pool = new MediaServerPool(urls, {
    // With TURN_SECRET the media servers can relay too, each endpoint with a freshly minted pair.
    ...(env.turn ? { turnUrl: () => mediaTurnUrlFor(env) } : {}),
    ...(cluster ? { othersHold: cluster.othersHold } : {}),
    ...options.mediaClient,
    logger,
    observer: metrics.media,
  });
  // Without HOST_SECRET a random key per start: host credentials end with the process.
  const admission = new AdmissionControl({
    hostKey: secretKey(env.access.hostSecret),
    tokenKey: env.access.roomTokenSecret ? secretKey(env.access.roomTokenSecret) : undefined,
  });
  const rooms = new RoomManager({
    pool,
    logger,
    maxParticipants: env.roomMaxParticipants,
    access: {
      credentials: admission.hostCredentials,
      waitMs: options.access?.waitMs ?? lobbyWaitMs,
    },
    ...(cluster ? { placement: cluster.placement } : {}),
    graceMs: env.recovery.graceSeconds * 1000,
  });
  sources.rooms = rooms;
  sources.pool = pool;

  const guard = new AbuseGuard({
    limits: resolveLimits(options.abuseLimits),
    origin: { publicUrl: env.publicUrl, allowedOrigins: env.access.allowedOrigins },
    trustProxy: env.access.trustProxy,
    rooms: {
      has: (roomId) => rooms.get(roomId) !== undefined,
      get roomCount() {
        return rooms.roomCount;
      },
    },
  });

  const recordings = new Recordings({ ...env.recordings, logger });

  let shuttingDown = false;
  const httpServer = createServer(
    createRequestListener({
      media: pool,
      metrics,
      rooms: {
        participantsIn: (roomId) => rooms.get(roomId)?.size ?? 0,
        capacity: env.roomMaxParticipants,
      },
      logger,
      fallback: options.requestHandler,
      isShuttingDown: () => shuttingDown,
      ...(cluster ? { readiness: () => cluster.readiness() } : {}),
      security: { dev: options.dev ?? false, frameAncestors: env.access.frameAncestors },
      metricsToken: env.access.metricsToken,
      recordings: {
        root: env.recordings.dir,
        isRecording: (roomId) => recordings.isRecording(roomId),
        verifyHost: async (roomId, credential) =>
          (await admission.hostCredentials.verify(roomId, credential))?.host === true,
        signer: new FileSigner(),
        logger,
      },
    }),
  );
  const io: SignalingServer = new Server(httpServer, {
    maxHttpBufferSize: limits.messageMaxBytes,
    // Leave other upgrades (Next.js HMR) alone instead of destroying them after a second.
    destroyUpgrade: false,
    serveClient: false,
    // A socket whose path is gone is noticed within two heartbeats (then the grace period runs).
    pingInterval: env.recovery.heartbeatSeconds * 1000,
    pingTimeout: env.recovery.heartbeatSeconds * 1000,
    // Origin, connections per address and per server: refused before any session exists.
    allowRequest: guard.allowRequest,
  });
  attachSignaling(io, {
    rooms,
    metrics,
    logger,
    iceConfig: (participantId) => iceConfigFor(env, participantId),
    isShuttingDown: () => shuttingDown,
    rateLimits: { ...defaultRateLimits, ...options.rateLimits },
    guard,
    access: new AccessGate(admission),
    recordings,
    ...(cluster ? { rejoinElsewhere: cluster.rejoinElsewhere } : {}),
  });
  cluster?.attach({ io, rooms, pool });
  pool.start();

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    io,
    media: pool.clients[0]!,
    pool,
    rooms,
    metrics,
    cluster,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        logger.info('close() | shutting down');
        // First, so a client reads the SHUTTING_DOWN that follows as "back soon", not "call over".
        io.emit('server:restarting', { retryAfterMs: restartRetryAfterMs });
        await rooms.close({
          code: ErrorCode.ShuttingDown,
          message: 'The server is restarting; rejoin in a moment.',
        });
        // The rooms' recordings finish their files and manifests before the media server goes.
        await recordings.close();
        await new Promise<void>((resolve) => {
          // io.close() also closes the HTTP server; it may report "not running" (never listened).
          void io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await cluster?.close();
        await pool.close();
        guard.close();
        logger.info('close() | done');
      })();
      return closing;
    },
  };
}
