/*
 * Loads kurento-client@7.2.0 (not 7.3.0: its npm install fails, its postinstall script is missing
 * from the tarball, Kurento/kurento#142; the maintainers say the API is the same). Every version
 * depends on the GitHub-only `KurentoForks/reconnect-ws`; package.json `overrides` pins the
 * registry's `reconnect-ws@0.1.0` instead, whose socket is websocket-stream → ws@0.7.2.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type kurentoClientType from 'kurento-client';

const localRequire = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

/**
 * ws@0.7.2 prefers a hoisted `bufferutil` package; here that is bufferutil@4 (pulled in by
 * kurento-jsonrpc), whose API differs, so every frame kurento-client sends would throw
 * "Cannot read properties of undefined (reading 'mask')" out of the event loop. Point ws@0.7.2
 * at its own pure-JS fallback before kurento-client loads. (Same fix as media-server/test.)
 */
function pinOldWsBufferUtil(): void {
  const wsLib = join(
    dirname(localRequire.resolve('websocket-stream/package.json')),
    'node_modules/ws/lib',
  );
  const target = join(wsLib, 'BufferUtil.js');
  if (!existsSync(target) || localRequire.cache[target]) return;
  const pinned = new Module(target);
  pinned.filename = target;
  pinned.exports = localRequire(join(wsLib, 'BufferUtil.fallback.js')) as unknown;
  pinned.loaded = true;
  localRequire.cache[target] = pinned;
}

pinOldWsBufferUtil();

export const kurentoClient = localRequire('kurento-client') as typeof kurentoClientType;
