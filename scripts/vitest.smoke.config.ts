import { defineConfig } from 'vitest/config';

/**
 * Smoke tests that need the production build (the server's own, and the join-latency benchmark's) run
 * after `npm run build` (scripts/test.mjs does both), so they are not part of the default `vitest run`:
 * `npx vitest run --config scripts/vitest.smoke.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['scripts/**/*.smoke.ts', 'bench/**/*.smoke.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
