import { defineConfig } from 'vitest/config';

/**
 * The production smoke test runs after `npm run build` (scripts/test.mjs does both), so it is not part of
 * the default `vitest run`: `npx vitest run --config scripts/vitest.smoke.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['scripts/**/*.smoke.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
