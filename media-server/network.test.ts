import { afterEach, describe, expect, it } from 'vitest';
import type { MediaServerInternals } from './index';
import type { KClient, KEndpoint, KPipeline } from './test/kurento';
import { connectClient, k } from './test/kurento';
import { publish, waitConnected } from './test/peers';
import { startTestServer } from './test/server';

describe('network options', () => {
  let server: MediaServerInternals | undefined;
  let client: KClient | undefined;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    client?.close();
    await server?.close();
  });

  async function endpoint(opts: Parameters<typeof startTestServer>[0]): Promise<KEndpoint> {
    server = await startTestServer(opts);
    client = await connectClient(server.url);
    const c = client;
    const pipeline = await k<KPipeline>((cb) => c.create('MediaPipeline', cb));
    return await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
  }

  it('takes media ports from --min-port/--max-port', async () => {
    const ep = await endpoint({ minPort: 41000, maxPort: 41010 });
    const pub = await publish(ep);
    closers.push(() => pub.pc.close());
    await waitConnected(pub.pc);
    const ports = pub.answer
      .split('\r\n')
      .filter((l) => l.startsWith('a=candidate:'))
      .map((l) => Number(l.split(' ')[5]));
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(41000);
    for (const p of ports) expect(p).toBeLessThanOrEqual(41010);
  });

  it('announces --announced-ip in host candidates (answer and trickled)', async () => {
    const ep = await endpoint({ announcedIp: '203.0.113.7' });
    const found: string[] = [];
    ep.on('IceCandidateFound', (e) =>
      found.push(String((e['candidate'] as { candidate: string }).candidate)),
    );
    const pub = await publish(ep);
    closers.push(() => pub.pc.close());
    const inAnswer = pub.answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(inAnswer.length).toBeGreaterThan(0);
    for (const c of inAnswer) expect(c.split(' ')[4]).toBe('203.0.113.7');
    await expect.poll(() => found.length).toBeGreaterThan(0);
    for (const c of found) expect(c.split(' ')[4]).toBe('203.0.113.7');
  });
});
