import type { IncomingMessage } from 'node:http';

import { ErrorCode } from '../../lib/protocol';
import type { ProtocolError } from '../../lib/protocol';
import { originAllowed } from '../http/origin';
import type { OriginPolicy } from '../http/origin';
import { clientAddress } from './address';
import { KeyedBuckets, TokenBucket } from './buckets';
import type { AbuseLimits } from './config';
import { ConnectionCounter } from './connections';
import { requestKind } from './request-kind';

export interface GuardDeps {
  limits: AbuseLimits;
  origin: OriginPolicy;
  trustProxy: boolean;
  /** What the join checks need of the rooms. */
  rooms: { has(roomId: string): boolean; readonly roomCount: number };
}

/** One connection's standing with the guard. */
export interface GuardedConnection {
  readonly address: string;
  /** Candidates this connection may still send (grows with each offer). */
  candidateAllowance: number;
  /** Refusals for limits this connection may still collect before it is disconnected. */
  readonly strikes: TokenBucket;
}

/**
 * Every limit that must hold whatever a client does with its sockets: checked at the handshake
 * (origin, connections per address and per server, connection rate) and before each request
 * (rates per address and per room, candidates per offer). Refusals are cheap: no handler runs.
 */
export class AbuseGuard {
  readonly #deps: GuardDeps;
  readonly #connections = new ConnectionCounter();
  readonly #byAddress: Record<
    Exclude<keyof AbuseLimits['perAddress'], 'connections'>,
    KeyedBuckets
  >;
  readonly #roomJoins: KeyedBuckets;

  constructor(deps: GuardDeps) {
    this.#deps = deps;
    const perAddress = deps.limits.perAddress;
    this.#byAddress = {
      connect: new KeyedBuckets(perAddress.connect),
      join: new KeyedBuckets(perAddress.join),
      roomCreate: new KeyedBuckets(perAddress.roomCreate),
      offer: new KeyedBuckets(perAddress.offer),
      candidate: new KeyedBuckets(perAddress.candidate),
      chat: new KeyedBuckets(perAddress.chat),
      other: new KeyedBuckets(perAddress.other),
      password: new KeyedBuckets(perAddress.password),
    };
    this.#roomJoins = new KeyedBuckets(deps.limits.perRoom.join);
  }

  get openConnections(): number {
    return this.#connections.total;
  }

  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.#deps.trustProxy);
  }

  /**
   * Engine.IO's `allowRequest`: runs once per new connection, before any session exists. The
   * refusal's message starts with the error code (Engine.IO answers 403 with it in the body).
   */
  readonly allowRequest = (
    req: IncomingMessage,
    callback: (message: string | null | undefined, success: boolean) => void,
  ): void => {
    const refusal = this.admitHandshake(req);
    if (refusal) callback(`${refusal.code}: ${refusal.message}`, false);
    else callback(null, true);
  };

  admitHandshake(req: IncomingMessage): ProtocolError | undefined {
    if (!originAllowed(req, this.#deps.origin)) {
      return { code: ErrorCode.OriginForbidden, message: 'Pages of this site may not connect.' };
    }
    const limits = this.#deps.limits;
    if (this.#connections.total >= limits.perServer.connections) {
      return { code: ErrorCode.ServerBusy, message: 'The server is full; try again later.' };
    }
    const address = this.addressOf(req);
    if (this.#connections.count(address) >= limits.perAddress.connections) {
      return {
        code: ErrorCode.TooManyConnections,
        message: 'Too many connections from your address.',
      };
    }
    if (!this.#byAddress.connect.take(address)) {
      return rateLimited('Too many new connections from your address; slow down.');
    }
    this.#connections.admitted(req, address);
    return undefined;
  }

  /** The connection whose handshake was `req` opened; call `close` on it when it ends. */
  opened(req: IncomingMessage): { connection: GuardedConnection; close: () => void } {
    const release = this.#connections.opened(req);
    const connection: GuardedConnection = {
      address: this.addressOf(req),
      candidateAllowance: this.#deps.limits.perConnection.candidatesPerOffer,
      strikes: new TokenBucket(this.#deps.limits.perConnection.strikes),
    };
    return { connection, close: () => release?.() };
  }

  /** Whether `event` with `payload` may run now; takes its tokens when it may. */
  check(connection: GuardedConnection, event: string, payload: unknown): ProtocolError | undefined {
    const kind = requestKind(event);
    const address = connection.address;
    switch (kind.kind) {
      case 'join': {
        if (kind.hasPassword(payload) && !this.takePasswordAttempt(address)) {
          return rateLimited('Too many password attempts; wait a minute.');
        }
        return this.#checkJoin(address, kind.roomId(payload));
      }
      case 'password': {
        if (this.takePasswordAttempt(address)) return undefined;
        return rateLimited('Too many password attempts; wait a minute.');
      }
      case 'offer': {
        if (!this.#byAddress.offer.take(address)) return rateLimited('Too many offers.');
        // Granted now, because a browser trickles candidates before the answer comes back;
        // taken back if the offer fails (see `answered`), so only real endpoints earn any.
        connection.candidateAllowance = Math.min(
          connection.candidateAllowance + this.#deps.limits.perConnection.candidatesPerOffer,
          this.#deps.limits.perConnection.candidatesPerOffer * 64,
        );
        return undefined;
      }
      case 'candidate': {
        // A malformed one passes to its BAD_REQUEST; only candidates spend (and strike).
        if (!kind.isCandidate(payload)) return undefined;
        if (connection.candidateAllowance <= 0) {
          return rateLimited('Too many ICE candidates for the connections you opened.');
        }
        if (!this.#byAddress.candidate.take(address))
          return rateLimited('Too many ICE candidates.');
        connection.candidateAllowance -= 1;
        return undefined;
      }
      case 'free': {
        return undefined;
      }
      case 'chat':
      case 'other': {
        return this.#byAddress[kind.kind].take(address) ? undefined : rateLimited('Slow down.');
      }
    }
  }

  /** A password attempt from `address`; false when it comes too soon after the last ones. */
  takePasswordAttempt(address: string): boolean {
    return this.#byAddress.password.take(address);
  }

  /**
   * A request that passed `check` was answered: a failed offer returns its candidate grant. (The
   * per-socket limits inside the handlers refuse before parsing and are not strikes: a client
   * sending garbage gets its errors, and the address limits catch volume.)
   */
  answered(connection: GuardedConnection, event: string, failed: boolean): void {
    if (!failed || requestKind(event).kind !== 'offer') return;
    connection.candidateAllowance = Math.max(
      0,
      connection.candidateAllowance - this.#deps.limits.perConnection.candidatesPerOffer,
    );
  }

  /** A request of `connection` was refused for a limit; true when it should be disconnected. */
  strike(connection: GuardedConnection): boolean {
    return !connection.strikes.take();
  }

  close(): void {
    this.#connections.close();
  }

  #checkJoin(address: string, roomId: string | undefined): ProtocolError | undefined {
    // An invalid payload passes here and gets BAD_REQUEST from the handler, at no media cost.
    if (roomId === undefined) return undefined;
    const rooms = this.#deps.rooms;
    const creates = !rooms.has(roomId);
    if (creates && rooms.roomCount >= this.#deps.limits.perServer.rooms) {
      return { code: ErrorCode.ServerBusy, message: 'The server has no room for another meeting.' };
    }
    if (!this.#byAddress.join.take(address))
      return rateLimited('Too many joins from your address.');
    if (creates && !this.#byAddress.roomCreate.take(address)) {
      return rateLimited('Too many new meetings from your address; wait a little.');
    }
    if (!this.#roomJoins.take(roomId)) return rateLimited('Too many joins to this room right now.');
    return undefined;
  }
}

function rateLimited(message: string): ProtocolError {
  return { code: ErrorCode.RateLimited, message };
}
