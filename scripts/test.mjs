#!/usr/bin/env node
// `npm test`: finds Chromium, isolates the network when root, runs vitest, the production build, the
// production smoke test and Playwright, and closes with `N passed, N failed`. The logic lives in
// scripts/lib/test-runner.ts (typed and unit-tested); this file only loads it through tsx.
import { fileURLToPath } from 'node:url';

let tsImport;
try {
  ({ tsImport } = await import('tsx/esm/api'));
} catch {
  console.error('npm test needs the dev dependencies: run `npm install` (or `npm ci`) first.');
  process.exit(2);
}
const { main } = await tsImport('./lib/test-runner.ts', import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
process.exitCode = await main(process.argv.slice(2), root);
