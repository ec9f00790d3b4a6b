import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,media-server,lib,bench,scripts}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Media tests bind UDP ports and spawn child processes; running files one at a time keeps them
    // from competing for the machine's two cores.
    fileParallelism: false,
  },
});
