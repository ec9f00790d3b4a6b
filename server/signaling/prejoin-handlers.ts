import type { Socket } from 'socket.io';
import type { z } from 'zod';

import { ErrorCode, prejoinPrepareSchema, prejoinReceiveSchema } from '../../lib/protocol';
import type {
  PrejoinPrepareResult,
  PrejoinReceiveResult,
  PrejoinRequests,
  Result,
  ServerToClientEvents,
} from '../../lib/protocol';
import type { AccessGate } from '../access/gate';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PreparedReceivers } from '../rooms/prepared-receivers';
import type { RoomManager } from '../rooms/room-manager';
import type { IceConfig } from '../turn/ice-config';
import { type RateLimit, TokenBucket } from './rate-limit';
import { toResult } from './result';
import type { SignalingSocket } from './session';
import { parsePayload } from './validate';

/** How long a prepared prejoin is good for; the browser drops what it prepared after it. */
export const prepareTtlMs = 5 * 60_000;

export interface PrejoinHandlerDeps {
  logger: Logger;
  metrics: Metrics;
  access: Pick<AccessGate, 'check'>;
  rooms: Pick<RoomManager, 'get'>;
  iceConfig(connectionId: string): IceConfig;
  isShuttingDown(): boolean;
  rateLimits: { join: RateLimit };
}

/** What the prepare needs of the socket's session: whether it already joined, and its receivers. */
export interface PrejoinSessionView {
  readonly participantId: string | undefined;
  readonly receivers: PreparedReceivers;
}

type InboundEvents = { [E in keyof PrejoinRequests]: (...args: unknown[]) => void };

/**
 * `prejoin:prepare` (issue 18): the prejoin screen's socket asks for its ICE configuration before
 * the click. It is admitted exactly as a join would be (a token, with ROOM_TOKEN_SECRET) and
 * touches nothing else: no room, no participant, no media object, no event to anyone. The room
 * learns of this socket only at `room:join`, which decides again. Rate-limited with the joins.
 */
export function attachPrejoinHandlers(
  socket: SignalingSocket,
  session: PrejoinSessionView,
  deps: PrejoinHandlerDeps,
): void {
  const bucket = new TokenBucket(deps.rateLimits.join);
  const logger = deps.logger.child({ socketId: socket.id });
  const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
  const handle = (
    event: keyof PrejoinRequests,
    run: (payload: unknown) => Promise<unknown>,
  ): void => {
    inbound.on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (result: Result<unknown>) => void) : null;
      const context = { logger, metrics: deps.metrics, event };
      run(args[0]).then(
        (value) => ack?.(toResult({ ok: true, value }, context)),
        (error: unknown) => ack?.(toResult({ ok: false, error }, context)),
      );
    });
  };
  handle('prejoin:prepare', (payload) => prepare(socket.id, session, deps, bucket, payload));
  handle('prejoin:receive', (payload) => receive(session, deps, bucket, payload));
}

/**
 * What both prejoin requests check first: the rate, the payload, the server and the session, and
 * access's admission verdict, as the join asks it (contract 5). A joiner who would be refused
 * (token, removed, locked) is refused here, before any ICE configuration (TURN credentials) is
 * handed out or anything is made. The check has no side effects.
 */
async function admissible<S extends z.ZodType<{ roomId: string; token?: string | undefined }>>(
  schema: S,
  session: PrejoinSessionView,
  deps: PrejoinHandlerDeps,
  bucket: TokenBucket,
  payload: unknown,
): Promise<{ request: z.output<S>; admitted: boolean }> {
  if (!bucket.take()) {
    throw new AppError(ErrorCode.RateLimited, 'Too many prepare requests; slow down.');
  }
  const request = parsePayload(schema, payload);
  if (deps.isShuttingDown()) {
    throw new AppError(ErrorCode.ShuttingDown, 'The server is shutting down.');
  }
  if (session.participantId !== undefined) {
    throw new AppError(ErrorCode.AlreadyInRoom, 'This connection already joined a room.');
  }
  const verdict = await deps.access.check(
    { roomId: request.roomId, displayName: 'prejoin', token: request.token },
    deps.rooms.get(request.roomId),
  );
  if (!verdict.admitted && 'error' in verdict) {
    throw new AppError(verdict.error.code, verdict.error.message);
  }
  return { request, admitted: verdict.admitted };
}

async function prepare(
  connectionId: string,
  session: PrejoinSessionView,
  deps: PrejoinHandlerDeps,
  bucket: TokenBucket,
  payload: unknown,
): Promise<PrejoinPrepareResult> {
  // One who would wait (lobby, password) may prepare too: what it prepares stays in the browser,
  // and the join waits at the door as before.
  const { request, admitted } = await admissible(
    prejoinPrepareSchema,
    session,
    deps,
    bucket,
    payload,
  );
  // TURN pairs are minted per connection here (no participant id exists yet).
  const open = admitted && deps.rooms.get(request.roomId)?.pipeline !== undefined;
  return { ...deps.iceConfig(`prejoin-${connectionId}`), ttlMs: prepareTtlMs, receivers: open };
}

/**
 * `prejoin:receive`: receive endpoints for my prepared recvonly connections, in the room's
 * pipeline, answered and connected to nothing (contract 5 as amended in session 7: only for a room
 * that would admit me at once, never behind a lobby or a password; nobody can tell they exist).
 */
async function receive(
  session: PrejoinSessionView,
  deps: PrejoinHandlerDeps,
  bucket: TokenBucket,
  payload: unknown,
): Promise<PrejoinReceiveResult> {
  const { request, admitted } = await admissible(
    prejoinReceiveSchema,
    session,
    deps,
    bucket,
    payload,
  );
  if (!admitted) {
    throw new AppError(ErrorCode.Forbidden, 'Nothing is prepared for a join that must wait.');
  }
  const pipeline = deps.rooms.get(request.roomId)?.pipeline;
  if (!pipeline) throw new AppError(ErrorCode.NotInRoom, 'Nobody is in this room yet.');
  const capacity = session.receivers.capacityFor(request.roomId);
  const offers = request.offers.slice(0, capacity);
  const made = await session.receivers.add(pipeline, offers, prepareTtlMs);
  return { receivers: made.map(({ index, answer }) => ({ index, sdp: answer || null })) };
}
