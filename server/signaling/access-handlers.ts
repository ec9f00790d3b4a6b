import type { Server } from 'socket.io';

import { fail } from '../../lib/protocol';
import type { ProtocolError, Result } from '../../lib/protocol';
import type { AbuseGuard } from '../limits/guard';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export interface AccessDeps {
  guard: AbuseGuard;
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

function refuse(ack: AnyAck | undefined, refusal: ProtocolError, metrics: Metrics): void {
  metrics.error(refusal.code);
  ack?.(fail(refusal.code, refusal.message));
}
