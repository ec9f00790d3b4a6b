import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * The root logger. Rooms and participants log through children
 * (`logger.child({ roomId })`, then `.child({ participantId })`), one message grammar:
 * `'method() | detail'` plus fields.
 *
 * `pretty` prints readable lines for a person at a terminal; otherwise one JSON object per line, for
 * log collectors (production, Docker). The pretty stream runs in this thread (not as a pino
 * transport) so the bundled `dist/server.js` needs no worker file resolved at run time.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const base = { level, base: { service: 'moim' } };
  if (!options.pretty) return pino(base);
  return pino(
    base,
    pretty({
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
      singleLine: true,
    }),
  );
}
