import type { Server } from 'socket.io';

import { ErrorCode, fail } from '../../lib/protocol';
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
    const overLimit = (): void => {
      if (!deps.guard.strike(connection) || !socket.connected) return;
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
        overLimit();
        return;
      }
      // Per-socket limits refuse inside the handlers; they count as strikes too.
      if (ack) packet[packet.length - 1] = watchForLimits(ack, overLimit);
      next();
    });
  });
}

function refuse(ack: AnyAck | undefined, refusal: ProtocolError, metrics: Metrics): void {
  metrics.error(refusal.code);
  ack?.(fail(refusal.code, refusal.message));
}

function watchForLimits(ack: AnyAck, overLimit: () => void): AnyAck {
  return (result) => {
    ack(result);
    if (!result.ok && result.error.code === ErrorCode.RateLimited) overLimit();
  };
}
