import { afterEach, beforeEach } from 'vitest';
import type { MediaServerOptions } from '../config';
import type { MediaServerInternals } from '../index';
import type { KClient } from './kurento';
import { connectClient } from './kurento';
import { startTestServer } from './server';

/** A fresh media server and kurento-client per test, and what the test asked to undo. */
export interface TestServerFixture {
  readonly server: MediaServerInternals;
  readonly client: KClient;
  /** Runs after the test, last deferred first, before the client and server close. */
  defer(...cleanups: (() => unknown)[]): void;
}

/**
 * Registers the per-test server of a media-server test file: started before each test, and after
 * it the deferred cleanups (peers, sockets) run, then the client and the server close.
 */
export function useTestServer(opts?: MediaServerOptions): TestServerFixture {
  let server: MediaServerInternals | undefined;
  let client: KClient | undefined;
  const cleanups: (() => unknown)[] = [];
  beforeEach(async () => {
    server = await startTestServer(opts);
    client = await connectClient(server.url);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });
  return {
    get server() {
      if (!server) throw new Error('the test server exists only inside a test');
      return server;
    },
    get client() {
      if (!client) throw new Error('the test client exists only inside a test');
      return client;
    },
    defer(...more) {
      cleanups.push(...more);
    },
  };
}
