import type { Socket } from 'socket.io';

import { ErrorCode, chatSendSchema, handRaiseSchema, reactionSendSchema } from '../../lib/protocol';
import type { MeetingRequests, Result, ServerToClientEvents } from '../../lib/protocol';
import { AppError, assertUnreachable } from '../errors';
import type { Logger } from '../logger';
import { defaultMeetingRateLimits, type MeetingRateLimits } from '../meeting/limits';
import type { MeetingDelivery, RoomMeeting } from '../meeting/room-meeting';
import type { Metrics } from '../metrics';
import { TokenBucket } from './rate-limit';
import { toResult } from './result';
import type { SignalingSocket } from './session';
import { parsePayload } from './validate';

/** What the meeting requests need of a socket's session: its room's meeting and my id. */
export interface MeetingSessionView {
  readonly participantId: string | undefined;
  readonly meeting: RoomMeeting | undefined;
}

export interface MeetingHandlerDeps {
  logger: Logger;
  metrics: Metrics;
  meetingRateLimits?: MeetingRateLimits;
}

type MeetingRequest = keyof MeetingRequests;
const requests: MeetingRequest[] = ['chat:send', 'hand:raise', 'reaction:send'];

/** What a client really sends: anything, in any number of arguments. */
type InboundEvents = { [E in MeetingRequest]: (...args: unknown[]) => void };

/**
 * Chat, hands and reactions for one socket. Each request is rate-limited per participant (this
 * socket's buckets), then validated, then handed to the room's `RoomMeeting`; a refusal is an
 * error code in the ack and changes nothing.
 */
export function attachMeetingHandlers(
  socket: SignalingSocket,
  session: MeetingSessionView,
  deps: MeetingHandlerDeps,
): void {
  const limits = deps.meetingRateLimits ?? defaultMeetingRateLimits;
  const buckets: Record<MeetingRequest, TokenBucket> = {
    'chat:send': new TokenBucket(limits.chat),
    'hand:raise': new TokenBucket(limits.hand),
    'reaction:send': new TokenBucket(limits.reaction),
  };
  const logger = deps.logger.child({ socketId: socket.id });
  const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
  for (const event of requests) {
    inbound.on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (result: Result<unknown>) => void) : null;
      const context = { logger, metrics: deps.metrics, event };
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        if (!buckets[event].take()) {
          throw new AppError(ErrorCode.RateLimited, `Too many ${event} requests; slow down.`);
        }
        outcome = { ok: true, value: handle(event, args[0], session) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      ack?.(toResult(outcome, context));
    });
  }
}

function handle(event: MeetingRequest, payload: unknown, session: MeetingSessionView): unknown {
  switch (event) {
    case 'chat:send': {
      const request = parsePayload(chatSendSchema, payload);
      const { meeting, participantId } = joined(session);
      return meeting.sendChat(participantId, request);
    }
    case 'hand:raise': {
      const request = parsePayload(handRaiseSchema, payload);
      const { meeting, participantId } = joined(session);
      return meeting.setHand(participantId, request.raised);
    }
    case 'reaction:send': {
      const request = parsePayload(reactionSendSchema, payload);
      const { meeting, participantId } = joined(session);
      meeting.react(participantId, request.emoji);
      return null;
    }
    default: {
      return assertUnreachable('meeting request', event);
    }
  }
}

function joined(session: MeetingSessionView): { meeting: RoomMeeting; participantId: string } {
  const { meeting, participantId } = session;
  if (!meeting || participantId === undefined) {
    throw new AppError(ErrorCode.NotInRoom, 'Join a room first.');
  }
  return { meeting, participantId };
}

/** A room's meeting event onto the socket (for `SocketRoomMember`). */
export function emitMeeting(socket: SignalingSocket, delivery: MeetingDelivery): void {
  switch (delivery.event) {
    case 'chat:message': {
      socket.emit('chat:message', delivery.payload);
      return;
    }
    case 'hand:queue': {
      socket.emit('hand:queue', delivery.payload);
      return;
    }
    case 'reaction:shown': {
      socket.emit('reaction:shown', delivery.payload);
      return;
    }
    default: {
      assertUnreachable('meeting event', delivery);
    }
  }
}
