import type { Server } from 'socket.io';

import { ErrorCode, fail, ok, participantTargetSchema } from '../../lib/protocol';
import type { JoinRoomResult, ProtocolError, Result } from '../../lib/protocol';
import type { AdmissionControl } from '../access/admission';
import { RoomRoles } from '../access/roles';
import type { AbuseGuard } from '../limits/guard';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export interface AccessDeps {
  guard: AbuseGuard;
  admission: AdmissionControl;
  logger: Logger;
  metrics: Metrics;
}

type AnyAck = (result: Result<unknown>) => void;

/**
 * The access layer of every socket, registered before the request handlers run: each request
 * first passes the abuse guard (a refusal answers the ack and no handler runs), and a socket that
 * keeps hitting limits, its own or its address's, is disconnected.
 */
export function registerAccessHandlers(io: Server, deps: AccessDeps): void {
  const roles = new RoomRoles();
  io.on('connection', (socket) => {
    /** Where this socket's participant is, once a join succeeded (seen in its answer). */
    let seat: { roomId: string; participantId: string } | undefined;
    const vacate = (): void => {
      if (seat) roles.left(seat.roomId, seat.participantId);
      seat = undefined;
    };
    const sit = (result: JoinRoomResult): void => {
      vacate();
      seat = { roomId: result.roomId, participantId: result.selfId };
      const roomId = result.roomId;
      roles.joined(roomId, result.selfId, result.access?.role ?? 'participant', {
        roleChanged: (participantId, role, reason) =>
          socket.emit('access:role', { participantId, role, reason }),
        becameHost: () => {
          deps.admission.hostCredentials.issue(roomId).then(
            (hostCredential) => socket.emit('access:credential', { hostCredential }),
            (error: unknown) => deps.logger.error({ err: error }, 'access | credential failed'),
          );
        },
      });
    };
    socket.on('disconnect', vacate);
    socket.on('host:promote', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const answer = ack as AnyAck;
      const request = participantTargetSchema.safeParse(payload);
      if (!request.success) return answer(fail(ErrorCode.BadRequest, 'participantId: required'));
      if (!seat) return answer(fail(ErrorCode.NotInRoom, 'Join a room first.'));
      if (roles.roleOf(seat.roomId, seat.participantId) !== 'host') {
        return answer(fail(ErrorCode.Forbidden, 'Only a host can do that.'));
      }
      if (!roles.promote(seat.roomId, request.data.participantId)) {
        return answer(fail(ErrorCode.UnknownParticipant, 'No participant with that id here.'));
      }
      answer(ok(null));
    });
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
          if (event === 'room:join' && result.ok) sit(result.data as JoinRoomResult);
          if (event === 'room:leave') vacate();
        };
      }
      next();
    });
  });
}

function refuse(ack: AnyAck | undefined, refusal: ProtocolError, metrics: Metrics): void {
  metrics.error(refusal.code);
  ack?.(fail(refusal.code, refusal.message));
}
