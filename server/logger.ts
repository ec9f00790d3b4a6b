import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * The root logger. Rooms and participants log through children
 * (`logger.child({ roomId })`, then `.child({ participantId })`), one message grammar:
 * `'method() | detail'` plus fields.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  return pino({
    level,
    base: { service: 'moim' },
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}
