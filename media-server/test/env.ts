import dgram from 'node:dgram';
import { afterEach, beforeEach } from 'vitest';
import type { MediaServerInternals } from '../index';
import type { KClient, KEndpoint, KPipeline } from './kurento';
import { connectClient, k } from './kurento';
import { startTestServer } from './server';

/** Open UDP sockets of this process (test peers and server alike). */
export function udpSockets(): number {
  // werift unrefs its sockets, so getActiveResourcesInfo() does not list them; the handle list does.
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => h instanceof dgram.Socket).length;
}

/** Polls a condition (state, not time) until it holds. */
export async function until(
  cond: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Per-test server + kurento-client, with a cleanup stack run after each test. */
export function useMediaServer() {
  const ctx = {
    server: undefined as unknown as MediaServerInternals,
    client: undefined as unknown as KClient,
    cleanups: [] as (() => unknown)[],
    async pipeline(): Promise<KPipeline> {
      return await k<KPipeline>((cb) => ctx.client.create('MediaPipeline', cb));
    },
    async endpoint(p: KPipeline): Promise<KEndpoint> {
      return await k<KEndpoint>((cb) => p.create('WebRtcEndpoint', cb));
    },
  };
  beforeEach(async () => {
    ctx.server = await startTestServer();
    ctx.client = await connectClient(ctx.server.url);
  });
  afterEach(async () => {
    for (const c of ctx.cleanups.splice(0).reverse()) await c();
    ctx.client.close();
    await ctx.server.close();
  });
  return ctx;
}
