import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** `PUBLIC_URL`: when set, the app's one origin; else the request's own Host is. */
  publicUrl: string | undefined;
  /** `ALLOWED_ORIGINS`: other origins whose pages may open a signaling connection (embedding). */
  allowedOrigins: readonly string[];
}

/**
 * Whether a Socket.IO handshake may proceed: a browser always sends `Origin` on a WebSocket or a
 * cross-site request, so a page of another site (cross-site WebSocket hijacking, an unapproved
 * embed) is refused. A request without `Origin` is not a browser page: programs can say anything,
 * so the check would not stop them, and they are left to the address limits.
 *
 * With `PUBLIC_URL` the Host header is not trusted (DNS rebinding makes a foreign page's Origin
 * and Host agree); without it the page must come from the host it connects to.
 */
export function originAllowed(req: IncomingMessage, policy: OriginPolicy): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (policy.allowedOrigins.includes(parsed.origin)) return true;
  if (policy.publicUrl !== undefined) return new URL(policy.publicUrl).origin === parsed.origin;
  // Scheme is not compared: a TLS-terminating proxy in front makes the page https and this hop http.
  return req.headers.host !== undefined && parsed.host === req.headers.host.toLowerCase();
}
