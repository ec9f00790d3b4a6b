import { describe, expect, it } from 'vitest';

import { collectGarbage } from '../test/gc';
import { useTestServer } from '../test/useTestServer';
import type { MediaObject } from './MediaObject';
import { Params } from './params';
import { WebRtcEndpoint } from './WebRtcEndpoint';

describe('operations of a class, shared by its objects (issue 15, memory)', () => {
  const fx = useTestServer();

  const create = async (type: string, params: Record<string, string> = {}) =>
    await fx.server.registry.create(type, new Params(params));
  const call = async (o: MediaObject, op: string, params: Record<string, unknown> = {}) =>
    await o.invoke(op, new Params(params as never));

  it("answer each object with its own state, the subclass's operation first", async () => {
    const pipeline = await create('MediaPipeline');
    const [a, b] = [
      await create('WebRtcEndpoint', { mediaPipeline: pipeline.id }),
      await create('WebRtcEndpoint', { mediaPipeline: pipeline.id }),
    ] as MediaObject[];
    if (!a || !b) throw new Error('no endpoints');
    expect(WebRtcEndpoint.ops.find('processOffer')).toBeDefined();
    expect(WebRtcEndpoint.ops.find('getTags')).toBeDefined(); // MediaObject's, through the bases
    await call(a, 'setName', { name: 'a' });
    await call(a, 'addTag', { key: 'k', value: 'v' });
    await call(a, 'setMaxVideoRecvBandwidth', { maxVideoRecvBandwidth: 700 });
    await call(a, 'setStunServerPort', { stunServerPort: 1234 });
    await call(a, 'setMinEncoderBitrate', { minEncoderBitrate: 5 });
    expect(await call(a, 'getName')).toBe('a');
    expect(await call(b, 'getName')).toBe(b.id);
    expect(await call(a, 'getTags')).toHaveLength(1);
    expect(await call(b, 'getTags')).toHaveLength(0);
    expect(await call(a, 'getMaxVideoRecvBandwidth')).toBe(700);
    expect(await call(b, 'getMaxVideoRecvBandwidth')).toBe(0);
    expect(await call(a, 'getStunServerPort')).toBe(1234);
    expect(await call(b, 'getStunServerPort')).toBe(3478);
    expect(await call(a, 'getMinEncoderBitrate')).toBe(5);
    expect(await call(b, 'getMinEncoderBitrate')).toBe(0);
    expect(await call(b, 'getMediaPipeline')).toBe(pipeline.id);
    await expect(call(a, 'createDataChannel')).rejects.toThrow('not supported');
    await expect(call(a, 'noSuchOperation')).rejects.toThrow('not found');
    expect(a.hasOperation('setMtu') && !a.hasOperation('setNothing')).toBe(true);
    // The hub's own operations (per object) and its object operations (per class) both answer.
    const hub = await create('DispatcherOneToMany', { mediaPipeline: pipeline.id });
    expect(hub.hasOperation('setSource') && hub.hasOperation('getName')).toBe(true);
  });

  it('cost an endpoint no closures of its own: under 6 KB of heap each', async () => {
    const pipeline = await create('MediaPipeline');
    const kept: MediaObject[] = [];
    for (let i = 0; i < 20; i++)
      kept.push(await create('WebRtcEndpoint', { mediaPipeline: pipeline.id }));
    await new Promise((r) => setTimeout(r, 10));
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300; i++)
      kept.push(await create('WebRtcEndpoint', { mediaPipeline: pipeline.id }));
    await new Promise((r) => setTimeout(r, 10));
    collectGarbage();
    const perEndpoint = (process.memoryUsage().heapUsed - before) / 300;
    // A table per object was ~12 KB more (heap snapshot of a room of 8, session 14).
    expect(perEndpoint).toBeLessThan(6 * 1024);
    expect(kept).toHaveLength(320);
  });
});
