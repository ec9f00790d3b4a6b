import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { handleRecordings, recordingsApiPrefix } from '../recording/http';
import type { RecordingsHttpDeps } from '../recording/http';
import { metricsAuthorized } from './metrics-auth';
import { handleRoomStatus, roomStatusPrefix } from './room-status';
import type { RoomStatusSource } from './room-status';
import { applySecurityHeaders, securityHeaders } from './security-headers';
import type { SecurityHeaderOptions } from './security-headers';

interface RouteDeps {
  /** What `/readyz` pings (ready when a media server answers). */
  media: { ping(timeoutMs: number): Promise<void> };
  metrics: Metrics;
  /** What `/api/rooms/:roomId` reports. */
  rooms: RoomStatusSource;
  logger: Logger;
  /** Everything else (the Next.js app); a plain 404 when absent (tests). */
  fallback: RequestListener | undefined;
  /** Not ready while shutting down, so a load balancer stops sending people here. */
  isShuttingDown(): boolean;
  /**
   * More to report on `/readyz` (server/cluster: whether Redis answers). Reported, not a reason
   * to be unready: an instance without Redis still serves its own rooms.
   */
  readiness?: () => Record<string, string>;
  readyTimeoutMs?: number;
  /** The headers every response carries (CSP and friends). */
  security: SecurityHeaderOptions;
  /** `/metrics` needs `Authorization: Bearer <token>` when set. */
  metricsToken: string | undefined;
  /** `/api/recordings/…` (issue 14): list, status, signed file links. */
  recordings?: RecordingsHttpDeps;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * `/healthz` (process up), `/readyz` (media server answers), `/metrics`, `/api/rooms/:roomId` (who
 * is in a room, for the prejoin), then the fallback.
 */
export function createRequestListener(deps: RouteDeps): RequestListener {
  const readyTimeoutMs = deps.readyTimeoutMs ?? 2_000;
  const headers = securityHeaders(deps.security);
  return (req: IncomingMessage, res: ServerResponse) => {
    applySecurityHeaders(res, headers);
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (!decodable(path)) {
      // Next.js would throw decoding it and answer 500; it names nothing we serve. The API
      // answers in its own format.
      if (path.startsWith('/api/')) {
        json(res, 400, {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'malformed percent-encoding' },
        });
      } else {
        send(res, 400, 'text/plain; charset=utf-8', 'bad request: malformed percent-encoding');
      }
      return;
    }
    if (path.startsWith(roomStatusPrefix)) {
      handleRoomStatus(req, path, deps.rooms, (status, body) => json(res, status, body), res);
      return;
    }
    if (path.startsWith(recordingsApiPrefix) && deps.recordings) {
      handleRecordings(req, res, deps.recordings);
      return;
    }
    switch (path) {
      case '/healthz': {
        json(res, 200, { status: 'ok' });
        return;
      }
      case '/readyz': {
        if (deps.isShuttingDown()) {
          json(res, 503, { status: 'shutting down' });
          return;
        }
        deps.media.ping(readyTimeoutMs).then(
          () => json(res, 200, { status: 'ready', mediaServer: 'ok', ...deps.readiness?.() }),
          (error: unknown) => {
            deps.logger.debug({ err: error }, 'readyz | media server not ready');
            json(res, 503, {
              status: 'not ready',
              mediaServer: 'unavailable',
              ...deps.readiness?.(),
            });
          },
        );
        return;
      }
      case '/metrics': {
        if (!metricsAuthorized(req, deps.metricsToken)) {
          res.setHeader('www-authenticate', 'Bearer');
          send(res, 401, 'text/plain; charset=utf-8', 'metrics need a bearer token');
          return;
        }
        deps.metrics.registry.metrics().then(
          (text) => send(res, 200, deps.metrics.registry.contentType, text),
          (error: unknown) => {
            deps.logger.error({ err: error }, 'metrics | failed');
            send(res, 500, 'text/plain', 'metrics failed');
          },
        );
        return;
      }
      default: {
        if (deps.fallback) {
          deps.fallback(req, res);
          return;
        }
        send(res, 404, 'text/plain', 'not found');
      }
    }
  };
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
