import { ErrorCode } from '../../lib/protocol';
import type { ProtocolError } from '../../lib/protocol';
import { AppError } from '../errors';
import type { MediaServerClient } from '../kurento/client';
import type { Logger } from '../logger';
import { Room } from './room';

interface RoomManagerOptions {
  media: MediaServerClient;
  logger: Logger;
  maxParticipants: number;
}

/** The open rooms by id. A room is created on its first join and forgotten when it closes. */
export class RoomManager {
  readonly #rooms = new Map<string, Room>();
  readonly #options: RoomManagerOptions;
  readonly #onMediaLost: () => void;
  #closed = false;

  constructor(options: RoomManagerOptions) {
    this.#options = options;
    this.#onMediaLost = () => {
      this.closeAll({
        code: ErrorCode.MediaServerUnavailable,
        message: 'The connection to the media server was lost; rejoin in a moment.',
      }).catch((error: unknown) => options.logger.error({ err: error }, 'closeAll() | failed'));
    };
    options.media.on('lost', this.#onMediaLost);
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  get participantCount(): number {
    let count = 0;
    for (const room of this.#rooms.values()) count += room.size;
    return count;
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  /** The open room with this id, created (with its pipeline) when there is none. Synchronous, so racing joins share one. */
  getOrCreate(roomId: string): Room {
    if (this.#closed) throw new AppError(ErrorCode.ShuttingDown, 'The server is shutting down.');
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const room = new Room(roomId, {
      media: this.#options.media,
      logger: this.#options.logger,
      maxParticipants: this.#options.maxParticipants,
    });
    this.#rooms.set(roomId, room);
    room.once('closed', () => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
    });
    return room;
  }

  /** Closes every room (media server lost, shutdown); resolves when their media objects are released. */
  async closeAll(reason: ProtocolError): Promise<void> {
    const rooms = [...this.#rooms.values()];
    this.#rooms.clear();
    await Promise.all(rooms.map((room) => room.close(reason)));
  }

  /** Refuses new rooms, closes the open ones. Idempotent. */
  async close(reason: ProtocolError): Promise<void> {
    this.#closed = true;
    this.#options.media.off('lost', this.#onMediaLost);
    await this.closeAll(reason);
  }
}
