/**
 * Smoke run of the join-latency tool with real Chromium: a room of 2, one measured join. It runs in
 * npm test's smoke phase (scripts/vitest.smoke.config.ts), after the production build it needs
 * (`dist/server.js`), with the Chromium npm test found (CHROMIUM_PATH or /usr/bin/chromium).
 */
import { describe, expect, it } from 'vitest';

import { type AppServer, startAppServer } from './join/app-server';
import { launchChromium } from './join/browser';
import { runJoin } from './join/run';

describe('join-latency benchmark (smoke)', () => {
  it(
    'times one join of a room of 2 from click to first remote frame',
    { timeout: 90_000 },
    async () => {
      let app: AppServer | undefined;
      const browser = await launchChromium();
      try {
        app = await startAppServer();
        const r = await runJoin({
          browser,
          url: app.url,
          participants: 2,
          runs: 1,
          warmupRuns: 0,
          timeoutMs: 30_000,
        });
        expect(r.failures).toEqual([]);
        const [p] = r.phases;
        expect(p?.total).toBeGreaterThan(0);
        expect(p?.sdp).toBeGreaterThan(0);
        expect(p?.total).toBeGreaterThanOrEqual((p?.socket ?? 0) + (p?.join ?? 0));
      } finally {
        await browser.close();
        await app?.stop();
      }
    },
  );
});
