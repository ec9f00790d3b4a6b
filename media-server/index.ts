import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { MediaServerOptions } from './config';
import { ConfigError, parseTurn } from './config';
import type { MediaNetworkConfig } from './media/config';
import { ObjectRegistry } from './objects/ObjectRegistry';
import { Dispatcher } from './rpc/Dispatcher';
import { RpcServer } from './rpc/RpcServer';
import { Sessions } from './rpc/Sessions';

export type { MediaServerOptions } from './config';

export interface MediaServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface MediaServerInternals extends MediaServer {
  /** For tests and benchmarks in this folder. */
  registry: ObjectRegistry;
  sessions: Sessions;
}

/** Starts the Kurento-compatible media server in this process. */
export async function startMediaServer(
  options: MediaServerOptions = {},
  logger?: Logger,
): Promise<MediaServerInternals> {
  const log = logger ?? defaultLogger(options.logLevel ?? 'info');
  const net = networkConfig(options);
  const sessions = new Sessions();
  // The registry emits through the RPC server, which needs the registry's dispatcher: break the
  // cycle with a late-bound reference.
  const rpcRef: { current?: RpcServer } = {};
  const recordingsRoot = path.resolve(options.recordingsDir ?? 'recordings');
  fs.mkdirSync(recordingsRoot, { recursive: true });
  const registry = new ObjectRegistry(
    net,
    recordingsRoot,
    log,
    (objectId, type, data) => rpcRef.current?.emit(objectId, type, data),
    () => sessions.ids(),
    (obj) => sessions.dropObject(obj.id, obj.events),
  );
  const dispatcher = new Dispatcher(registry, sessions, log);
  const rpc = new RpcServer(
    {
      path: '/kurento',
      accessToken: options.accessToken,
      maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
    },
    dispatcher,
    sessions,
    log,
  );
  rpcRef.current = rpc;
  const host = options.host ?? '127.0.0.1';
  const port = await rpc.listen(options.port ?? 8888, host);
  const gcMs = options.sessionGcMs ?? 240_000;
  // KMS-style garbage collection: objects of sessions that lost their socket long ago.
  const gc = setInterval(
    () => {
      const now = Date.now();
      for (const s of [...sessions.all()]) {
        if (s.socket || s.detachedAt === undefined || now - s.detachedAt < gcMs) continue;
        for (const id of [...s.owned]) registry.lookup(id)?.release();
        sessions.remove(s);
      }
    },
    Math.max(1000, Math.floor(gcMs / 4)),
  );
  gc.unref();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log.info({ host, port }, 'media server listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `ws://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}/kurento`,
    registry,
    sessions,
    close() {
      closing ??= (async () => {
        clearInterval(gc);
        registry.releaseAll();
        await registry.drain();
        await rpc.close();
      })();
      return closing;
    },
  };
}

function networkConfig(o: MediaServerOptions): MediaNetworkConfig {
  if ((o.minPort === undefined) !== (o.maxPort === undefined)) {
    throw new ConfigError('--min-port and --max-port go together');
  }
  if (o.minPort !== undefined && o.maxPort !== undefined && o.minPort >= o.maxPort) {
    throw new ConfigError('--min-port must be below --max-port');
  }
  const net: MediaNetworkConfig = {
    stunServers: o.stun ?? [],
    turnServers: (o.turn ?? []).map(parseTurn),
  };
  if (o.minPort !== undefined && o.maxPort !== undefined) net.portRange = [o.minPort, o.maxPort];
  if (o.iceAddresses && o.iceAddresses.length > 0) net.iceAddresses = o.iceAddresses;
  if (o.announcedIp) net.announcedIp = o.announcedIp;
  return net;
}

/**
 * Logs go to stderr (stdout is the app's when embedded): readable lines when stderr is a terminal,
 * JSON lines otherwise. pino-pretty and its ~40 modules are loaded only for a terminal: the server
 * the app forks never has one, and they stayed resident for nothing (~0.5 MB of V8 heap; memory,
 * issue 15).
 */
function defaultLogger(level: string): Logger {
  if (process.stderr.isTTY !== true) return pino({ level }, pino.destination(2));
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(
    { level },
    pretty({
      destination: 2,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname',
      sync: true,
      singleLine: true,
    }),
  );
}
