import type { ServerResponse } from 'node:http';

export interface SecurityHeaderOptions {
  /** Development: Next.js's dev runtime evaluates code (React's dev tools, fast refresh). */
  dev: boolean;
  /** `FRAME_ANCESTORS`: who may frame Moim (CSP syntax), `'self'` unless configured for embedding. */
  frameAncestors: readonly string[];
}

/**
 * The policy every response carries. Next.js's App Router inlines its bootstrap and RSC payload
 * as `<script>` elements in prerendered pages, which have no per-request nonce, so scripts need
 * 'unsafe-inline' (a nonce would make every page dynamic); everything else is same-origin only.
 * React sets `style` attributes, hence style-src 'unsafe-inline'. `connect-src 'self'` covers the
 * same-origin Socket.IO WebSocket (and dev's HMR socket) in CSP Level 3 browsers.
 */
export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'unsafe-inline'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'media-src': ["'self'", 'blob:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': [...options.frameAncestors],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    // Only Moim's own pages may ask for the camera, microphone and screen; an embedder delegates
    // with <iframe allow="camera; microphone; display-capture">.
    'Permissions-Policy':
      'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** Sets the headers on `res` before any handler (ours or Next.js's) writes it. */
export function applySecurityHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
