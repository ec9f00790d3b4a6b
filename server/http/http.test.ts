import { afterEach, describe, expect, it } from 'vitest';

import { createApp } from '../app';
import type { App } from '../app';
import { parseEnv } from '../env';
import { testLogger } from '../test/harness';

/** The HTTP surface's hardening, against the real request listener (a stand-in page handler). */
let app: App;
let url: string;

async function start(env: Record<string, string> = {}, dev = false): Promise<void> {
  app = createApp({
    env: parseEnv({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...env }),
    logger: testLogger(),
    mediaServerUrl: 'ws://127.0.0.1:9/kurento',
    dev,
    requestHandler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>page</title>');
    },
  });
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
}

afterEach(() => app?.close());

describe('security headers', () => {
  it('every response carries them: pages, health, API', async () => {
    await start();
    for (const path of ['/', '/room/abc', '/healthz', '/api/rooms/abc']) {
      const res = await fetch(`${url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toContain(
        'camera=(self), microphone=(self), display-capture=(self)',
      );
    }
  });

  it('FRAME_ANCESTORS lets a named site embed Moim; development allows eval for Next.js', async () => {
    await start({ FRAME_ANCESTORS: "'self',https://portal.example.com" }, true);
    const csp = (await fetch(url)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://portal.example.com");
    expect(csp).toContain("'unsafe-eval'");
  });

  it('FRAME_ANCESTORS refuses what is not a CSP source', () => {
    expect(() => parseEnv({ FRAME_ANCESTORS: 'javascript:alert(1)' })).toThrow(/FRAME_ANCESTORS/);
  });
});

describe('/metrics', () => {
  it('is open without METRICS_TOKEN', async () => {
    await start();
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('with METRICS_TOKEN needs the bearer token', async () => {
    const token = 'a-long-metrics-token-1234';
    await start({ METRICS_TOKEN: token });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('moim_rooms');
  });
});

describe('malformed URLs', () => {
  it('a broken percent-encoding in a room link answers 400, not 500', async () => {
    await start();
    const res = await fetch(`${url}/room/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${url}/room/%E0%A4%A4`)).status).toBe(200);
  });
});
