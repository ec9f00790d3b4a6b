/**
 * After any fault the app and the embedded media server agree on which pipelines exist, within
 * seconds (issue 14's measurements: a server paused 8 s with 5 joins in flight kept 5 orphans for
 * 240 s; after a heartbeat reconnect the old session's pipelines stayed). Also: only the app,
 * holding the embedded server's access token, can reach it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import type { EmbeddedMediaServer } from '../media/embedded';
import { startMediaServer, testLogger, waitUntil } from '../test/harness';
import { MediaServerClient } from './client';

function appClient(url: string): MediaServerClient {
  return new MediaServerClient(url, {
    logger: testLogger(),
    requestTimeoutMs: 1_500,
    heartbeatMs: 300,
    heartbeatTimeoutMs: 600,
    minRetryMs: 50,
    maxRetryMs: 200,
    reconcileMs: 300,
  });
}

/** One JSON-RPC request on a fresh WebSocket; resolves with the reply frame. */
function rawRequest(url: string, method: string, params: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })));
    ws.on('message', (data: Buffer) => {
      ws.close();
      resolve(JSON.parse(data.toString()) as unknown);
    });
  });
}

describe('pipelines agree between the app and the media server after faults', () => {
  let media: EmbeddedMediaServer;
  beforeAll(async () => {
    media = await startMediaServer();
  });
  afterAll(async () => {
    await media?.close();
  });

  it('a paused (SIGSTOP) media server with creates in flight leaves no orphans after SIGCONT', async () => {
    const client = appClient(media.url);
    client.start();
    try {
      await client.waitConnected(10_000);
      const kept = await client.createMediaPipeline();
      const pid = media.pid;
      if (pid === undefined) throw new Error('no media server process');
      process.kill(pid, 'SIGSTOP');
      let resumed = false;
      try {
        // Five joins in flight while the server is frozen: none answers in time.
        const inFlight = Array.from({ length: 5 }, () => client.createMediaPipeline());
        const settled = await Promise.allSettled(inFlight);
        expect(settled.every((r) => r.status === 'rejected')).toBe(true);
        await waitUntil(() => !client.connected, 'the heartbeat drops the frozen server');
        process.kill(pid, 'SIGCONT');
        resumed = true;
      } finally {
        if (!resumed) process.kill(pid, 'SIGCONT');
      }
      await client.waitConnected(10_000);
      // The frozen creates ran after SIGCONT, in the old session: released, as is `kept`, whose
      // connection (and room) is gone. The app holds nothing, so the server holds nothing.
      await waitUntil(
        async () => (await client.getPipelineIds()).length === 0,
        'no pipeline the app does not know',
        10_000,
      );
      expect(kept.released).toBe(true);
      expect(client.objectCount).toBe(0);
      // And the new connection's own pipelines are left alone.
      const fresh = await client.createMediaPipeline();
      await new Promise((r) => setTimeout(r, 900)); // three reconcile periods
      expect(await client.getPipelineIds()).toEqual([fresh.id]);
      await fresh.release();
    } finally {
      await client.close();
    }
  });

  it('a killed media server restarts; the app reconnects and both hold nothing', async () => {
    const client = appClient(media.url);
    client.start();
    try {
      await client.waitConnected(10_000);
      await client.createMediaPipeline();
      const lost = new Promise<void>((resolve) => client.once('lost', () => resolve()));
      media.kill('SIGKILL');
      await lost;
      await client.waitConnected(15_000);
      expect(await client.getPipelineIds()).toEqual([]);
      expect(client.objectCount).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a pipeline released under the app is reported (its room closes)', async () => {
    const app = appClient(media.url);
    app.start();
    try {
      await app.waitConnected(10_000);
      const pipeline = await app.createMediaPipeline();
      const gone = new Promise<string>((resolve) => app.once('pipelineGone', resolve));
      // Someone else holding the token releases it by id, in a JSON-RPC frame of their own.
      const reply = await rawRequest(media.url, 'release', { object: pipeline.id });
      expect(reply).toHaveProperty('result');
      expect(await gone).toBe(pipeline.id);
      expect(pipeline.released).toBe(true);
      expect(await app.getPipelineIds()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('refuses a Kurento connection without the access token', async () => {
    const url = new URL(media.url);
    expect(url.searchParams.get('access_token')?.length).toBeGreaterThanOrEqual(32);
    url.search = '';
    const stranger = appClient(url.href);
    stranger.start();
    try {
      await expect(stranger.waitConnected(1_500)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await stranger.close();
    }
  });
});
