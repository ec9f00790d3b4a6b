import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * `/metrics` with `METRICS_TOKEN` set needs `Authorization: Bearer <token>`. Both sides are
 * hashed first so the comparison is constant-time whatever the lengths.
 */
export function metricsAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const given = createHash('sha256').update(match[1]).digest();
  const wanted = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, wanted);
}
