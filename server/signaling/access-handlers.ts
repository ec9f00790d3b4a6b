import type { Server, Socket } from 'socket.io';

import {
  fail,
  hostMuteSchema,
  hostSpotlightSchema,
  lobbyDecisionSchema,
  participantTargetSchema,
  passwordSchema,
  publicationMuteSchema,
  roomSettingsSchema,
} from '../../lib/protocol';
import type {
  AccessRequests,
  ProtocolError,
  Result,
  ServerToClientEvents,
} from '../../lib/protocol';
import * as host from '../access/host-actions';
import type { AbuseGuard } from '../limits/guard';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Room } from '../rooms/room';
import { toResult } from './result';
import type { SignalingSession, SignalingSocket } from './session';
import { parsePayload } from './validate';

export interface AccessDeps {
  guard: AbuseGuard;
  logger: Logger;
  metrics: Metrics;
}

type AnyAck = (result: Result<unknown>) => void;

/**
 * The abuse guard of every socket, registered before any handler: each request first passes it
 * (a refusal answers the ack and no handler runs), and a socket that keeps hitting limits, its
 * own or its address's, is disconnected.
 */
export function registerAccessHandlers(io: Server, deps: AccessDeps): void {
  io.on('connection', (socket) => {
    const { connection, close } = deps.guard.opened(socket.request);
    socket.on('disconnect', close);
    const logger = deps.logger.child({ socketId: socket.id, address: connection.address });
    const disconnect = (): void => {
      if (!socket.connected) return;
      logger.warn('abuse | disconnected: kept exceeding limits');
      socket.disconnect(true);
    };
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]];
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as AnyAck) : undefined;
      const refusal = deps.guard.check(connection, event, args[0]);
      if (refusal) {
        refuse(ack, refusal, deps.metrics);
        if (deps.guard.strike(connection)) disconnect();
        return;
      }
      if (ack) {
        packet[packet.length - 1] = (result: Result<unknown>) => {
          ack(result);
          deps.guard.answered(connection, event, !result.ok);
        };
      }
      next();
    });
  });
}

type AccessRequest = keyof AccessRequests;

/** One host power: parses its payload, then acts on my room as me. */
type Handler = (room: Room, actorId: string, payload: unknown) => unknown;

/** Every access request but the password (which comes before there is a room), in one table. */
const hostRequests: { [E in Exclude<AccessRequest, 'access:password'>]: Handler } = {
  'host:promote': (room, actor, payload) =>
    host.promote(room, actor, parsePayload(participantTargetSchema, payload).participantId),
  'host:mute': (room, actor, payload) =>
    host.mute(room, actor, parsePayload(hostMuteSchema, payload)),
  'host:remove': (room, actor, payload) =>
    host.remove(room, actor, parsePayload(participantTargetSchema, payload).participantId),
  'host:lower-hand': (room, actor, payload) =>
    host.lowerHand(room, actor, parsePayload(participantTargetSchema, payload).participantId),
  'host:spotlight': (room, actor, payload) =>
    host.spotlight(room, actor, parsePayload(hostSpotlightSchema, payload)),
  'host:settings': (room, actor, payload) =>
    host.settings(room, actor, parsePayload(roomSettingsSchema, payload)),
  'host:end': (room, actor) => host.end(room, actor),
  'lobby:admit': (room, actor, payload) =>
    host.admit(room, actor, parsePayload(lobbyDecisionSchema, payload).waitingId),
  'lobby:deny': (room, actor, payload) =>
    host.deny(room, actor, parsePayload(lobbyDecisionSchema, payload).waitingId),
};

/** What a client really sends: anything, in any number of arguments. */
type InboundEvents = { [E in AccessRequest]: (...args: unknown[]) => void };

/**
 * Host powers, the password of a waiting join, and self-unmute after a host's mute, for one
 * socket. Rate limits are the guard's (per address); every refusal is an error code in the ack
 * and changes nothing.
 */
export function attachAccessHandlers(
  socket: SignalingSocket,
  session: SignalingSession,
  deps: Pick<AccessDeps, 'logger' | 'metrics'>,
): void {
  const logger = deps.logger.child({ socketId: socket.id });
  const inbound = socket as unknown as Socket<InboundEvents, ServerToClientEvents>;
  const answer = (event: string, ack: AnyAck | undefined, run: () => unknown): void => {
    const context = { logger, metrics: deps.metrics, event };
    Promise.resolve()
      .then(run)
      .then(
        (value) => ack?.(toResult({ ok: true, value }, context)),
        (error: unknown) => ack?.(toResult({ ok: false, error }, context)),
      );
  };
  const ackOf = (args: unknown[]): AnyAck | undefined => {
    const last = args.at(-1);
    return typeof last === 'function' ? (last as AnyAck) : undefined;
  };
  for (const event of Object.keys(hostRequests) as (keyof typeof hostRequests)[]) {
    inbound.on(event, (...args: unknown[]) => {
      const payload = event === 'host:end' ? undefined : args[0];
      answer(event, ackOf(args), () => {
        const { room, participant } = session.joined();
        return hostRequests[event](room, participant.id, payload);
      });
    });
  }
  inbound.on('access:password', (...args: unknown[]) => {
    answer('access:password', ackOf(args), () =>
      session.password(parsePayload(passwordSchema, args[0]).password),
    );
  });
  // Before the publications' handler records my unmute, a host's forced mute is lifted (or the
  // unmute refused): the owner's own `publication:mute` cannot lift it by itself.
  socket.use((packet, next) => {
    const [event, payload] = packet as [string, unknown];
    if (event !== 'publication:mute') return next();
    const request = publicationMuteSchema.safeParse(payload);
    const joined = request.success ? safeJoined(session) : undefined;
    if (!request.success || !joined) return next();
    host.ownUnmute(joined.room, joined.participant.id, request.data).then(
      () => next(),
      (error: unknown) => {
        const ack = ackOf(packet.slice(1));
        ack?.(toResult({ ok: false, error }, { logger, metrics: deps.metrics, event }));
      },
    );
  });
}

function safeJoined(session: SignalingSession): ReturnType<SignalingSession['joined']> | undefined {
  try {
    return session.joined();
  } catch {
    return undefined;
  }
}

function refuse(ack: AnyAck | undefined, refusal: ProtocolError, metrics: Metrics): void {
  metrics.error(refusal.code);
  ack?.(fail(refusal.code, refusal.message));
}
