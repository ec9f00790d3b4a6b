import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll } from 'vitest';

import type { EmbeddedMediaServer } from '../media/embedded';
import { closeClients, startMediaServer, startServer, waitUntil } from './harness';
import type { TestServer } from './harness';

/** What `useEmbeddedCall` gives a test file; `server` and `media` exist once `beforeAll` ran. */
export interface EmbeddedCall {
  readonly server: TestServer;
  readonly media: EmbeddedMediaServer;
  /** With `recordings`: the folder both servers record into (removed after the file's tests). */
  readonly recordingsDir: string;
  /** Closed after each test. */
  readonly peers: { close(): Promise<void> }[];
}

/**
 * One real embedded media server and one app on it for a test file (started before its tests,
 * closed after them). After each test the peers in `peers` and every client close; with
 * `released` (the default) the test also waits until the app holds no media object, so a leak
 * fails the test that caused it.
 */
export function useEmbeddedCall(
  options: Parameters<typeof startServer>[1] & { released?: boolean; recordings?: boolean } = {},
): EmbeddedCall {
  const { released = true, recordings = false, ...serverOptions } = options;
  let media: EmbeddedMediaServer | undefined;
  let server: TestServer | undefined;
  let recordingsDir: string | undefined;
  const peers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    if (recordings) recordingsDir = mkdtempSync(path.join(os.tmpdir(), 'moim-recordings-'));
    media = await startMediaServer(undefined, recordingsDir ? { recordingsDir } : {});
    server = await startServer(media.url, {
      ...serverOptions,
      ...(recordingsDir ? { env: { ...serverOptions.env, RECORDINGS_DIR: recordingsDir } } : {}),
    });
    await server.app.media.waitConnected(20_000);
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.close()));
    closeClients();
    const app = server?.app;
    if (released && app) {
      await waitUntil(() => app.media.objectCount === 0, 'every media object released');
    }
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
    if (recordingsDir) rmSync(recordingsDir, { recursive: true, force: true });
  });
  return {
    get server(): TestServer {
      if (!server) throw new Error('the app is not started (used outside a test?)');
      return server;
    },
    get media(): EmbeddedMediaServer {
      if (!media) throw new Error('the media server is not started (used outside a test?)');
      return media;
    },
    get recordingsDir(): string {
      if (!recordingsDir)
        throw new Error('no recordings folder (useEmbeddedCall({ recordings: true }))');
      return recordingsDir;
    },
    peers,
  };
}
