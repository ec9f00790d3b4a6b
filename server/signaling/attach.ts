import type { Server, Socket } from 'socket.io';

import { ErrorCode } from '../../lib/protocol';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../lib/protocol';
import { AppError, assertUnreachable } from '../errors';
import type { AbuseGuard } from '../limits/guard';
import { registerAccessHandlers } from './access-handlers';
import type { RateLimits } from './rate-limit';
import { TokenBucket } from './rate-limit';
import type { SessionDeps } from './session';
import { toResult } from './result';
import { SignalingSession } from './session';

/** What a client really sends: anything, in any number of arguments. Types are not validation. */
type InboundEvents = { [E in keyof ClientToServerEvents]: (...args: unknown[]) => void };

type Request = keyof ClientToServerEvents;

export interface SignalingDeps extends SessionDeps {
  rateLimits: RateLimits;
  guard: AbuseGuard;
}

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Wires every new socket to its own `SignalingSession`. */
export function attachSignaling(io: SignalingServer, deps: SignalingDeps): void {
  registerAccessHandlers(io, deps);
  io.on('connection', (socket) => {
    const session = new SignalingSession(socket, deps);
    const logger = deps.logger.child({ socketId: socket.id });
    const buckets = {
      join: new TokenBucket(deps.rateLimits.join),
      offer: new TokenBucket(deps.rateLimits.offer),
      candidate: new TokenBucket(deps.rateLimits.candidate),
      mute: new TokenBucket(deps.rateLimits.mute),
    };
    const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
    const requests: Request[] = [
      'room:join',
      'sdp:offer',
      'ice:candidate',
      'media:mute',
      'room:leave',
    ];
    for (const event of requests) {
      inbound.on(event, (...args: unknown[]) => {
        // `room:leave` has only the acknowledgement; the others a payload first.
        const last = args.at(-1);
        const ack =
          typeof last === 'function' ? (last as (result: Result<unknown>) => void) : undefined;
        const payload = event === 'room:leave' ? undefined : args[0];
        logger.debug({ event, dir: 'in', participantId: session.participantId }, 'request');
        const context = { logger, metrics: deps.metrics, event };
        handle(event, payload, session, buckets)
          .then(
            (value) => ack?.(toResult({ ok: true, value }, context)),
            (error: unknown) => ack?.(toResult({ ok: false, error }, context)),
          )
          .finally(() => session.answered());
      });
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ reason, participantId: session.participantId }, 'disconnect');
      session.disconnect();
    });
  });
}

function limit(bucket: TokenBucket, what: string): void {
  if (!bucket.take()) {
    throw new AppError(ErrorCode.RateLimited, `Too many ${what} requests; slow down.`);
  }
}

async function handle(
  event: Request,
  payload: unknown,
  session: SignalingSession,
  buckets: Record<'join' | 'offer' | 'candidate' | 'mute', TokenBucket>,
): Promise<unknown> {
  switch (event) {
    case 'room:join': {
      limit(buckets.join, 'join');
      return session.join(payload);
    }
    case 'sdp:offer': {
      limit(buckets.offer, 'offer');
      return session.offer(payload);
    }
    case 'ice:candidate': {
      limit(buckets.candidate, 'ICE candidate');
      return session.iceCandidate(payload);
    }
    case 'media:mute': {
      limit(buckets.mute, 'mute');
      return session.mute(payload);
    }
    case 'room:leave': {
      return session.leave();
    }
    default: {
      return assertUnreachable('request', event);
    }
  }
}
