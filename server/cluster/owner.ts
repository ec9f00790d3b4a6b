import { ErrorCode, fail, joinRoomSchema } from '../../lib/protocol';
import type { Logger } from '../logger';
import type { ClusterBus } from './bus';
import type { RoomDirectory } from './directory';
import type { EdgeMessage, RelayMessage } from './messages';
import { VirtualSocket } from './virtual-socket';

/** Names the Socket.IO machinery uses for itself: never taken from a relayed packet. */
const reservedEvents = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
]);

interface Hosted {
  socket: VirtualSocket;
  edge: string;
  /** Events or acknowledgements for the browser were lost (Redis away): it must rejoin. */
  lost: boolean;
}

export interface OwnerOptions {
  bus: ClusterBus;
  directory: RoomDirectory;
  logger: Logger;
  /** Runs the app's per-socket wiring (`io.on('connection')` listeners) on a relayed socket. */
  serve(socket: VirtualSocket): void;
}

/**
 * The owner's half of the relay: one `VirtualSocket` per browser whose socket is on another
 * instance and whose room is here. A relayed join is checked against the directory first: if
 * this instance does not own the room (any more), the browser is sent to reconnect, and its
 * edge routes it again.
 */
export class RelayOwner {
  readonly #options: OwnerOptions;
  readonly #hosted = new Map<string, Hosted>();

  constructor(options: OwnerOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#hosted.size;
  }

  /** Which edges relayed sockets come from (to notice one dying). */
  edges(): Set<string> {
    return new Set([...this.#hosted.values()].map((hosted) => hosted.edge));
  }

  handle(message: EdgeMessage): void {
    switch (message.type) {
      case 'open': {
        this.#open(message);
        return;
      }
      case 'packet': {
        const hosted = this.#hosted.get(message.link);
        if (!hosted) {
          // The link ended here (owner restarted, or it was kicked): the edge routes it again.
          this.#send(message.from, undefined, { type: 'kick', link: message.link });
          return;
        }
        if (reservedEvents.has(message.event)) {
          if (message.ack) {
            this.#ack(hosted, message.seq, [fail(ErrorCode.BadRequest, 'unknown request')]);
          }
          return;
        }
        const args = message.ack
          ? [...message.args, (...result: unknown[]) => this.#ack(hosted, message.seq, result)]
          : message.args;
        hosted.socket.dispatch(message.event, args);
        return;
      }
      case 'close': {
        this.#end(message.link, 'client namespace disconnect');
        return;
      }
    }
  }

  /** An edge instance died: its browsers' sockets are gone, and so are their participants. */
  edgeGone(edge: string): void {
    for (const [link, hosted] of this.#hosted) {
      if (hosted.edge === edge) this.#end(link, 'transport close');
    }
  }

  /** Redis is back: browsers that missed events while it was away reconnect and rejoin. */
  resync(): void {
    for (const [link, hosted] of this.#hosted) {
      if (!hosted.lost) continue;
      this.#options.logger.info({ link }, 'owner | events were lost while Redis was away: rejoin');
      hosted.socket.disconnect(true);
    }
  }

  /** Shutdown: every relayed socket ends (its participant leaves). */
  close(): void {
    for (const link of [...this.#hosted.keys()]) this.#end(link, 'server shutting down');
  }

  #open(message: Extract<RelayMessage, { type: 'open' }>): void {
    this.#end(message.link, 'reopened');
    const hosted: Hosted = {
      edge: message.from,
      lost: false,
      socket: new VirtualSocket({
        id: message.link,
        request: message.request,
        send: (event, args) =>
          this.#send(message.from, hosted, { type: 'emit', link: message.link, event, args }),
        kick: () => this.#send(message.from, hosted, { type: 'kick', link: message.link }),
      }),
    };
    this.#hosted.set(message.link, hosted);
    hosted.socket.on('disconnect', () => {
      if (this.#hosted.get(message.link) === hosted) this.#hosted.delete(message.link);
    });
    // First of its middlewares: a join is served only if this instance owns the room.
    hosted.socket.use((packet, next) => {
      if (packet[0] !== 'room:join') return next();
      const request = joinRoomSchema.safeParse(packet[1]);
      if (!request.success) return next(); // the session answers BAD_REQUEST
      this.#options.directory.route(request.data.roomId).then(
        (route) => {
          if (route.kind === 'local') return next();
          this.#options.logger.info({ roomId: request.data.roomId }, 'owner | not mine: reroute');
          hosted.socket.disconnect(true);
        },
        () => next(),
      );
    });
    this.#options.serve(hosted.socket);
  }

  #ack(hosted: Hosted, seq: number, args: unknown[]): void {
    if (!hosted.socket.connected) return;
    this.#send(hosted.edge, hosted, { type: 'ack', link: hosted.socket.id, seq, args });
  }

  /** To the edge; a send that fails (Redis away) marks the browser as having missed something. */
  #send(edge: string, hosted: Hosted | undefined, message: RelayMessage): void {
    this.#options.bus.send(edge, message).then(
      (listeners) => {
        if (listeners === 0) this.edgeGone(edge);
      },
      () => {
        if (hosted) hosted.lost = true;
      },
    );
  }

  #end(link: string, reason: string): void {
    const hosted = this.#hosted.get(link);
    if (!hosted) return;
    this.#hosted.delete(link);
    hosted.socket.end(reason);
  }
}
