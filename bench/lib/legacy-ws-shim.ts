/**
 * Workaround, bench-local: kurento-client talks through `websocket-stream` → `ws@0.7.2`, which
 * does `require('bufferutil').BufferUtil`. The tree also holds `bufferutil@4` (for ws 7), whose
 * API has no `BufferUtil`, so the first frame the client sends throws
 * "Cannot read properties of undefined (reading 'mask')" and the process dies. When (and only when)
 * that broken combination is present, give the old API its own pure-JS fallback. Import this
 * module before anything that loads kurento-client. The real fix belongs with the owners of
 * package.json / server/ (e.g. an `overrides` entry or the same shim at server start).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { repoRoot } from './machine';

const legacyWs = path.join(
  repoRoot,
  'node_modules/websocket-stream/node_modules/ws/lib/BufferUtil.js',
);

export let legacyWsShimApplied = false;

if (existsSync(legacyWs)) {
  const requireFromWs = createRequire(legacyWs);
  try {
    const native: unknown = requireFromWs('bufferutil');
    if (typeof native === 'object' && native !== null && !('BufferUtil' in native)) {
      const fallback: unknown = requireFromWs('./BufferUtil.fallback');
      if (typeof fallback === 'object' && fallback !== null && 'BufferUtil' in fallback) {
        Object.assign(native, { BufferUtil: fallback.BufferUtil });
        legacyWsShimApplied = true;
      }
    }
  } catch {
    // no bufferutil at all: ws 0.7 uses its own fallback
  }
}
