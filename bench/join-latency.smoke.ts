/**
 * Smoke run of the join-latency tool with real Chromium: a room of 2, one measured join. It needs
 * a production build (`dist/server.js`, made by `npm run build`; npm test builds after vitest, so a
 * fresh checkout skips this on its first run) and Chromium (CHROMIUM_PATH or /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { type AppServer, startAppServer } from './join/app-server';
import { launchChromium } from './join/browser';
import { runJoin } from './join/run';
import { chromiumPath, repoRoot } from './lib/machine';

const built = existsSync(path.join(repoRoot, 'dist', 'server.js'));
const chromium = existsSync(chromiumPath());

describe('join-latency benchmark (smoke)', () => {
  it.skipIf(!built || !chromium)(
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
