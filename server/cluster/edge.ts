import { randomUUID } from 'node:crypto';

import type { Socket } from 'socket.io';

import { ErrorCode, fail, joinRoomSchema } from '../../lib/protocol';
import type { Result } from '../../lib/protocol';
import type { Logger } from '../logger';
import type { ClusterBus } from './bus';
import type { RoomDirectory } from './directory';
import type { OwnerMessage } from './messages';
import { disconnectReason, trackClose } from '../signaling/disconnectReason';

type Ack = (...result: unknown[]) => void;

interface Link {
  id: string;
  owner: string;
  socket: Socket;
  seq: number;
  /** Acknowledgements the browser waits for, by packet number. */
  pending: Map<number, { ack: Ack; timer: NodeJS.Timeout }>;
  /** The browser is in a room at the owner (a join answered there, no leave or close since). */
  joined: boolean;
}

interface SocketState {
  /** Joined a room served here. */
  localJoined: boolean;
  link: Link | undefined;
  /** Packets are handled one after another: a join's routing (an await) keeps its place. */
  chain: Promise<void>;
}

export interface EdgeOptions {
  bus: ClusterBus;
  directory: RoomDirectory;
  logger: Logger;
  /** How long a relayed request may wait for its owner's answer. */
  requestTimeoutMs: number;
}

/** Headers the owner's per-socket code may read (the abuse guard's X-Forwarded-For, Origin). */
const relayedHeaders = ['x-forwarded-for', 'origin', 'user-agent', 'accept-language'];

const unreachable = (): Result<never> =>
  fail(ErrorCode.ServerBusy, "The meeting's server cannot be reached right now; try again.");

/**
 * The edge's half of the relay, in front of every socket of this instance. A `room:join` asks the
 * directory where the room is served: here (the packet goes on to this instance's handlers), or
 * at its owner, in which case this and every later packet of the socket is forwarded to the
 * owner by name, and what the owner sends back is emitted on the socket. The browser cannot tell.
 * When the owner dies, the browser's socket is closed: it reconnects and joins again, and the
 * directory then places the room on a live instance.
 */
export class RelayEdge {
  readonly #options: EdgeOptions;
  readonly #links = new Map<string, Link>();

  constructor(options: EdgeOptions) {
    this.#options = options;
  }

  /** Which owners this instance relays to (to notice one dying). */
  owners(): Set<string> {
    return new Set([...this.#links.values()].map((link) => link.owner));
  }

  get size(): number {
    return this.#links.size;
  }

  /** Registered through `io.use`, so it runs before every other middleware of the socket. */
  attach(socket: Socket): void {
    const state: SocketState = { localJoined: false, link: undefined, chain: Promise.resolve() };
    socket.use((packet, next) => {
      state.chain = state.chain
        .then(() => this.#route(socket, state, packet, next))
        .catch((error: unknown) => {
          this.#options.logger.error({ err: error }, 'edge | packet failed');
        });
    });
    socket.onAnyOutgoing((event: string) => {
      if (event === 'room:closed') state.localJoined = false;
    });
    trackClose(socket);
    socket.on('disconnect', (reason: string) =>
      this.#unlink(state, disconnectReason(socket, reason)),
    );
  }

  async #route(
    socket: Socket,
    state: SocketState,
    packet: unknown[],
    next: (error?: Error) => void,
  ): Promise<void> {
    const event = String(packet[0]);
    const last = packet.at(-1);
    const ack = packet.length > 1 && typeof last === 'function' ? (last as Ack) : undefined;
    const args = packet.slice(1, ack ? -1 : undefined);
    if (event === 'room:join' && !state.localJoined && !state.link?.joined) {
      const request = joinRoomSchema.safeParse(args[0]);
      if (request.success) {
        const route = await this.#options.directory.route(request.data.roomId);
        if (!socket.connected) return;
        if (route.kind === 'local') {
          this.#unlink(state);
          if (ack)
            packet[packet.length - 1] = this.#watchJoin(ack, () => (state.localJoined = true));
          next();
          return;
        }
        if (state.link?.owner !== route.owner) {
          this.#unlink(state);
          state.link = this.#open(socket, route.owner);
        }
        const link = state.link;
        this.#forward(link, event, args, ack && this.#watchJoin(ack, () => (link.joined = true)));
        return;
      }
    }
    if (state.link) {
      const link = state.link;
      if (event === 'room:leave') link.joined = false;
      this.#forward(link, event, args, ack);
      return;
    }
    if (event === 'room:leave') state.localJoined = false;
    next();
  }

  /** An acknowledgement that also tells whether the join succeeded. */
  #watchJoin(ack: Ack, joined: () => void): Ack {
    return (...result: unknown[]) => {
      const first = result[0];
      if (typeof first === 'object' && first !== null && 'ok' in first && first.ok === true) {
        joined();
      }
      ack(...result);
    };
  }

  #open(socket: Socket, owner: string): Link {
    const link: Link = {
      id: randomUUID(),
      owner,
      socket,
      seq: 0,
      pending: new Map(),
      joined: false,
    };
    this.#links.set(link.id, link);
    const headers: Record<string, string | string[]> = {};
    for (const name of relayedHeaders) {
      const value = socket.request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    this.#send(link, {
      type: 'open',
      link: link.id,
      from: this.#options.bus.instanceId,
      request: { remoteAddress: socket.request.socket.remoteAddress ?? 'unknown', headers },
    });
    this.#options.logger.debug({ link: link.id, owner }, 'edge | relaying to the owner');
    return link;
  }

  #forward(link: Link, event: string, args: unknown[], ack: Ack | undefined): void {
    const seq = link.seq;
    link.seq += 1;
    if (ack) {
      const timer = setTimeout(() => {
        link.pending.delete(seq);
        ack(unreachable());
      }, this.#options.requestTimeoutMs);
      link.pending.set(seq, { ack, timer });
    }
    this.#send(link, {
      type: 'packet',
      link: link.id,
      from: this.#options.bus.instanceId,
      seq,
      event,
      args,
      ack: ack !== undefined,
    });
  }

  #send(link: Link, message: Parameters<ClusterBus['send']>[1]): void {
    this.#options.bus.send(link.owner, message).then(
      (listeners) => {
        if (listeners === 0) this.ownerGone(link.owner);
      },
      () => {
        // Redis is away: the call's media goes on; requests are refused until it returns.
        if (message.type === 'packet') this.#settle(link, message.seq, [unreachable()]);
      },
    );
  }

  handle(message: OwnerMessage): void {
    const link = this.#links.get(message.link);
    if (!link) return;
    switch (message.type) {
      case 'ack': {
        this.#settle(link, message.seq, message.args);
        return;
      }
      case 'emit': {
        if (message.event === 'room:closed') link.joined = false;
        // By name, as the owner's session emitted it: typed at the owner, relayed as data here.
        (link.socket as unknown as { emit(event: string, ...args: unknown[]): boolean }).emit(
          message.event,
          ...message.args,
        );
        return;
      }
      case 'kick': {
        link.socket.disconnect(true);
        return;
      }
    }
  }

  /** The owner died: its browsers reconnect and rejoin (the room is placed again). */
  ownerGone(owner: string): void {
    for (const link of [...this.#links.values()]) {
      if (link.owner !== owner) continue;
      this.#options.logger.info({ link: link.id, owner }, 'edge | owner gone: browser rejoins');
      link.socket.disconnect(true);
    }
  }

  close(): void {
    for (const link of [...this.#links.values()]) link.socket.disconnect(true);
  }

  #settle(link: Link, seq: number, args: unknown[]): void {
    const pending = link.pending.get(seq);
    if (!pending) return;
    link.pending.delete(seq);
    clearTimeout(pending.timer);
    pending.ack(...args);
  }

  #unlink(state: SocketState, reason?: string): void {
    const link = state.link;
    if (!link) return;
    state.link = undefined;
    this.#links.delete(link.id);
    for (const { timer } of link.pending.values()) clearTimeout(timer);
    link.pending.clear();
    this.#options.bus
      .send(link.owner, { type: 'close', link: link.id, ...(reason ? { reason } : {}) })
      .catch(() => undefined);
  }
}
