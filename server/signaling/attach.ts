import type { Server, Socket } from 'socket.io';

import { ErrorCode } from '../../lib/protocol';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../lib/protocol';
import { AppError } from '../errors';
import type { AbuseGuard } from '../limits/guard';
import { attachAccessHandlers, registerAccessHandlers } from './access-handlers';
import type { RateLimits } from './rate-limit';
import { TokenBucket } from './rate-limit';
import type { RequestName, RequestRow } from './requests';
import { requests } from './requests';
import type { SessionDeps } from './session';
import { toResult } from './result';
import { SignalingSession } from './session';
import { attachMeetingHandlers } from './meeting-handlers';
import type { Recordings } from '../recording/recordings';
import { attachRecordingHandlers } from './recording-handlers';
import { attachPrejoinHandlers } from './prejoin-handlers';
import { disconnectReason, trackClose } from './disconnectReason';

/** What a client really sends: anything, in any number of arguments. Types are not validation. */
type InboundEvents = { [E in keyof ClientToServerEvents]: (...args: unknown[]) => void };

export interface SignalingDeps extends SessionDeps {
  rateLimits: RateLimits;
  guard: AbuseGuard;
  recordings: Recordings;
}

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Wires every new socket to its own `SignalingSession`, one listener per row of `requests`. */
export function attachSignaling(io: SignalingServer, deps: SignalingDeps): void {
  registerAccessHandlers(io, deps);
  io.on('connection', (socket) => {
    const session = new SignalingSession(socket, deps);
    attachMeetingHandlers(socket, session, deps);
    attachRecordingHandlers(socket, session, deps);
    attachAccessHandlers(socket, session, deps);
    attachPrejoinHandlers(socket, session, deps);
    const logger = deps.logger.child({ socketId: socket.id });
    const buckets = new Map<keyof RateLimits, TokenBucket>();
    const bucket = (name: keyof RateLimits): TokenBucket => {
      let found = buckets.get(name);
      if (!found) {
        found = new TokenBucket(deps.rateLimits[name]);
        buckets.set(name, found);
      }
      return found;
    };
    const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
    for (const event of Object.keys(requests) as RequestName[]) {
      const row = requests[event] as RequestRow<RequestName>;
      inbound.on(event, (...args: unknown[]) => {
        const last = args.at(-1);
        const ack =
          typeof last === 'function' ? (last as (result: Result<unknown>) => void) : undefined;
        const payload = row.payload ? args[0] : undefined;
        logger.debug({ event, dir: 'in', participantId: session.participantId }, 'request');
        const context = { logger, metrics: deps.metrics, event };
        run(row, session, payload, row.bucket ? bucket(row.bucket) : undefined)
          .then(
            (value) => ack?.(toResult({ ok: true, value }, context)),
            (error: unknown) => ack?.(toResult({ ok: false, error }, context)),
          )
          .finally(() => session.answered());
      });
    }
    trackClose(socket);
    socket.on('disconnect', (raw) => {
      const reason = disconnectReason(socket, raw);
      logger.debug({ reason, participantId: session.participantId }, 'disconnect');
      session.disconnect(reason);
    });
  });
}

async function run(
  row: RequestRow<RequestName>,
  session: SignalingSession,
  payload: unknown,
  bucket: TokenBucket | undefined,
): Promise<unknown> {
  if (bucket && !bucket.take()) {
    throw new AppError(ErrorCode.RateLimited, `Too many ${row.label} requests; slow down.`);
  }
  return row.handle(session, payload);
}
