import { defineConfig } from '@playwright/test';

import { chromiumArgs } from './chromiumArgs';

const isCI = !!process.env.CI;
const port = Number(process.env.E2E_PORT ?? 3100);
/** Point at an already-running server (e.g. `tsx server.ts`) while iterating. */
const externalBaseUrl = process.env.E2E_BASE_URL;
const baseURL = externalBaseUrl ?? `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results',
  fullyParallel: false,
  // Two cores shared by the server, the media server and several Chromium contexts.
  workers: 1,
  forbidOnly: isCI,
  retries: isCI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: isCI
    ? [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]]
    : 'list',
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 720 },
    permissions: ['camera', 'microphone'],
    trace: isCI ? 'on-first-retry' : 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  webServer: externalBaseUrl
    ? undefined
    : {
        // scripts/test.mjs builds first (next build + dist/server.js).
        command: 'node dist/server.js',
        cwd: '..',
        url: `${baseURL}/`,
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
        env: {
          NODE_ENV: 'production',
          PORT: String(port),
          HOST: '127.0.0.1',
          MEDIA_ICE_ADDRESSES: '127.0.0.1',
          NEXT_TELEMETRY_DISABLED: '1',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        },
      },
});
