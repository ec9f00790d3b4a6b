import type { Socket } from 'socket.io';

import { ErrorCode } from '../../lib/protocol';
import type {
  RecordingRequests,
  RecordingState,
  Result,
  ServerToClientEvents,
} from '../../lib/protocol';
import { AppError, assertUnreachable } from '../errors';
import { assertHost } from '../access/roles';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Recordings } from '../recording/recordings';
import type { Participant } from '../rooms/participant';
import type { Room } from '../rooms/room';
import { TokenBucket } from './rate-limit';
import { toResult } from './result';
import type { SignalingSocket } from './session';

/** What the recording requests need of a socket's session. */
export interface RecordingSessionView {
  joined(): { room: Room; participant: Participant };
}

export interface RecordingHandlerDeps {
  logger: Logger;
  metrics: Metrics;
  recordings: Recordings;
}

type RecordingRequest = keyof RecordingRequests;
const requests: RecordingRequest[] = ['recording:start', 'recording:stop'];

/** A host clicks at human speed: a few in a row, then one every few seconds. */
const rate = { burst: 10, perSecond: 1 };

/** What a client really sends: anything, in any number of arguments. */
type InboundEvents = { [E in RecordingRequest]: (...args: unknown[]) => void };

/**
 * Recording start/stop for one socket: rate-limited, then the host check (FORBIDDEN for anyone
 * else, before anything changes), then the room's recording. The answer is the new state.
 */
export function attachRecordingHandlers(
  socket: SignalingSocket,
  session: RecordingSessionView,
  deps: RecordingHandlerDeps,
): void {
  const bucket = new TokenBucket(rate);
  const logger = deps.logger.child({ socketId: socket.id });
  const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
  for (const event of requests) {
    inbound.on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (result: Result<unknown>) => void) : null;
      const context = { logger, metrics: deps.metrics, event };
      run(event, session, deps.recordings, bucket).then(
        (value) => ack?.(toResult({ ok: true, value }, context)),
        (error: unknown) => ack?.(toResult({ ok: false, error }, context)),
      );
    });
  }
}

async function run(
  event: RecordingRequest,
  session: RecordingSessionView,
  recordings: Recordings,
  bucket: TokenBucket,
): Promise<RecordingState> {
  if (!bucket.take()) {
    throw new AppError(ErrorCode.RateLimited, 'Too many recording requests; slow down.');
  }
  const { room, participant } = session.joined();
  assertHost(room, participant.id);
  switch (event) {
    case 'recording:start': {
      return recordings.start(room, participant);
    }
    case 'recording:stop': {
      return recordings.stop(room);
    }
    default: {
      return assertUnreachable('recording request', event);
    }
  }
}
