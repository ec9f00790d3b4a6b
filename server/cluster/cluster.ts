import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import type { Server, Socket } from 'socket.io';

import { ErrorCode } from '../../lib/protocol';
import type { ProtocolError } from '../../lib/protocol';
import type { MediaServerClient } from '../kurento/client';
import type { MediaServerPool } from '../kurento/pool';
import type { Logger } from '../logger';
import type { RoomManager } from '../rooms/room-manager';
import { ClusterBus } from './bus';
import { RoomDirectory } from './directory';
import { RelayEdge } from './edge';
import { RelayOwner } from './owner';
import { MediaPlacement } from './placement';

export interface ClusterOptions {
  redisUrl: string;
  logger: Logger;
  /** How long an owner's lease lives without renewal (default 3 s; renewed every third). */
  leaseMs?: number;
}

export interface ClusterParts {
  io: Server;
  rooms: RoomManager;
  pool: MediaServerPool;
}

/**
 * Several app instances over one Redis (issue 17). Built only when `REDIS_URL` is set: without
 * it none of this runs. `createApp` makes it in two steps, because the room manager needs the
 * cluster's placement and the cluster needs the room manager: `new Cluster(options)`, then
 * `attach(parts)` once the rooms, the pool and Socket.IO exist.
 */
export class Cluster {
  readonly instanceId = `${hostname()}-${randomUUID().slice(0, 8)}`;
  readonly #options: ClusterOptions;
  readonly #bus: ClusterBus;
  #parts:
    | (ClusterParts & {
        placement: MediaPlacement;
        directory: RoomDirectory;
        edge: RelayEdge;
        owner: RelayOwner;
        watch: NodeJS.Timeout;
      })
    | undefined;
  #closed = false;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.#bus = new ClusterBus(
      options.redisUrl,
      this.instanceId,
      options.logger.child({ instance: this.instanceId }),
    );
  }

  /** For `RoomManager`'s `placement`: the least-loaded media server across instances. */
  readonly placement = (): MediaServerClient | undefined => this.#parts?.placement.pick();

  /** For the media clients' reconciler: pipelines other instances hold on a shared server. */
  readonly othersHold = (pipelineId: string): boolean =>
    this.#parts?.placement.othersHold(pipelineId) ?? true;

  /**
   * For `SignalingSession`: a room that ended because its media server (or its owner) went
   * away is served again elsewhere, so the browser is sent to reconnect and rejoin instead of
   * being told the call is over.
   */
  readonly rejoinElsewhere = (reason: ProtocolError): boolean =>
    reason.code === ErrorCode.MediaServerUnavailable;

  /**
   * What `/readyz` adds: whether Redis answers (an instance without it still serves), and how many
   * of the media servers this instance knows (its own and those others offer) it is connected to:
   * a new room can only be placed on a connected one.
   */
  readiness(): { redis: 'ok' | 'unavailable'; mediaServers: string } {
    const clients = this.#parts?.pool.clients ?? [];
    const connected = clients.filter((client) => client.connected).length;
    return {
      redis: this.#bus.up ? 'ok' : 'unavailable',
      mediaServers: `${connected}/${clients.length}`,
    };
  }

  attach(parts: ClusterParts): void {
    const { logger } = this.#options;
    const leaseMs = this.#options.leaseMs ?? 3_000;
    const own = parts.pool.clients.map((client) => client.url);
    const placement = new MediaPlacement({
      pool: parts.pool,
      rooms: parts.rooms,
      host: hostname(),
      instanceId: this.instanceId,
      own,
    });
    const directory = new RoomDirectory({
      bus: this.#bus,
      rooms: parts.rooms,
      placement,
      logger,
      leaseMs,
    });
    const edge = new RelayEdge({ bus: this.#bus, directory, logger, requestTimeoutMs: 20_000 });
    // Every `io.on('connection')` listener, present and future, serves relayed sockets too.
    const serve = (socket: unknown): void => {
      for (const listener of parts.io.sockets.listeners('connection')) {
        (listener as (socket: Socket) => void)(socket as Socket);
      }
    };
    const owner = new RelayOwner({ bus: this.#bus, directory, logger, serve });
    parts.io.use((socket, next) => {
      edge.attach(socket);
      next();
    });
    this.#bus.on('message', (message) => {
      switch (message.type) {
        case 'open':
        case 'packet':
        case 'close': {
          owner.handle(message);
          return;
        }
        case 'ack':
        case 'emit':
        case 'kick': {
          edge.handle(message);
          return;
        }
      }
    });
    this.#bus.on('up', () => {
      void directory.tick();
      owner.resync();
    });
    // A peer whose subscriber left Redis is dead: its relayed browsers rejoin, its participants go.
    const watch = setInterval(() => void this.#watch(), Math.max(100, leaseMs / 6));
    watch.unref();
    this.#parts = { ...parts, placement, directory, edge, owner, watch };
    directory.start();
    void this.#bus.start();
  }

  /** How many sockets are relayed, as edge and as owner (tests, metrics). */
  get relayed(): { edge: number; owner: number } {
    return { edge: this.#parts?.edge.size ?? 0, owner: this.#parts?.owner.size ?? 0 };
  }

  async #watch(): Promise<void> {
    const parts = this.#parts;
    if (!parts || this.#closed || !this.#bus.up) return;
    const fresh = { fresh: true };
    try {
      for (const owner of parts.edge.owners()) {
        if (!(await this.#bus.alive(owner, fresh))) parts.edge.ownerGone(owner);
      }
      for (const edge of parts.owner.edges()) {
        if (!(await this.#bus.alive(edge, fresh))) parts.owner.edgeGone(edge);
      }
    } catch {
      // Redis went away meanwhile: nobody is declared dead for that.
    }
  }

  /** After the rooms closed (shutdown): leaves the directory and Redis. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const parts = this.#parts;
    if (parts) {
      clearInterval(parts.watch);
      parts.owner.close();
      parts.edge.close();
      await parts.directory.close();
    }
    await this.#bus.close();
  }
}
