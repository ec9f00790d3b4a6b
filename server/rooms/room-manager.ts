import { ErrorCode } from '../../lib/protocol';
import type { ProtocolError } from '../../lib/protocol';
import { AppError } from '../errors';
import type { MediaServerClient } from '../kurento/client';
import type { MediaServerPool } from '../kurento/pool';
import type { Logger } from '../logger';
import type { AccessServices } from '../access/room-access';
import { Room } from './room';

interface RoomManagerOptions {
  pool: MediaServerPool;
  logger: Logger;
  maxParticipants: number;
  access: AccessServices;
  /**
   * Where a new room's media goes (server/cluster: the least-loaded media server of every
   * instance); undefined, or no answer: the pool's connected server with the fewest rooms.
   */
  placement?: () => MediaServerClient | undefined;
  /** How long a participant whose signaling is lost stays (shown reconnecting), ms. */
  graceMs: number;
}

/** The open rooms by id. A room is created on its first join and forgotten when it closes. */
export class RoomManager {
  readonly #rooms = new Map<string, Room>();
  readonly #options: RoomManagerOptions;
  readonly #onMediaLost: (client: MediaServerClient) => void;
  readonly #onPipelineGone: (client: MediaServerClient, pipelineId: string) => void;
  #closed = false;

  constructor(options: RoomManagerOptions) {
    this.#options = options;
    this.#onMediaLost = (client) => {
      this.#closeWhere((room) => room.media === client, {
        code: ErrorCode.MediaServerUnavailable,
        message: 'The connection to the media server was lost; rejoin in a moment.',
      }).catch((error: unknown) => options.logger.error({ err: error }, 'closeAll() | failed'));
    };
    options.pool.on('lost', this.#onMediaLost);
    this.#onPipelineGone = (client, pipelineId) => {
      this.#closeWhere((room) => room.media === client && room.pipelineId === pipelineId, {
        code: ErrorCode.MediaError,
        message: "The media server released this room's media; rejoin to start it again.",
      }).catch((error: unknown) => options.logger.error({ err: error }, 'close() | failed'));
    };
    options.pool.on('pipelineGone', this.#onPipelineGone);
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  get participantCount(): number {
    let count = 0;
    for (const room of this.#rooms.values()) count += room.size;
    return count;
  }

  /** The open rooms (server/cluster renews their leases). */
  list(): Room[] {
    return [...this.#rooms.values()];
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  /** The open room with this id, created (with its pipeline) when there is none. Synchronous, so racing joins share one. */
  getOrCreate(roomId: string): Room {
    if (this.#closed) throw new AppError(ErrorCode.ShuttingDown, 'The server is shutting down.');
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const media =
      this.#options.placement?.() ?? this.#options.pool.pick((client) => this.#roomsOn(client));
    const room = new Room(roomId, {
      media,
      logger: this.#options.logger,
      maxParticipants: this.#options.maxParticipants,
      access: this.#options.access,
      graceMs: this.#options.graceMs,
    });
    this.#rooms.set(roomId, room);
    room.once('closed', () => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
    });
    return room;
  }

  /** Closes every room (shutdown); resolves when their media objects are released. */
  closeAll(reason: ProtocolError): Promise<void> {
    return this.#closeWhere(() => true, reason);
  }

  async #closeWhere(which: (room: Room) => boolean, reason: ProtocolError): Promise<void> {
    const rooms = [...this.#rooms.values()].filter(which);
    for (const room of rooms) this.#rooms.delete(room.id);
    await Promise.all(rooms.map((room) => room.close(reason)));
  }

  #roomsOn(client: MediaServerClient): number {
    let count = 0;
    for (const room of this.#rooms.values()) if (room.media === client) count += 1;
    return count;
  }

  /** Refuses new rooms, closes the open ones. Idempotent. */
  async close(reason: ProtocolError): Promise<void> {
    this.#closed = true;
    this.#options.pool.off('lost', this.#onMediaLost);
    this.#options.pool.off('pipelineGone', this.#onPipelineGone);
    await this.closeAll(reason);
  }
}
