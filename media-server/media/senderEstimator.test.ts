import { describe, expect, it } from 'vitest';

import type { WebRtcEndpoint } from '../objects/WebRtcEndpoint';
import { publisherAndViewer } from '../test/kurento';
import { publish, pump, view, waitConnected } from '../test/peers';
import { useTestServer } from '../test/useTestServer';

describe("werift's sender bandwidth estimator (issue 15, memory)", () => {
  const fx = useTestServer();

  it('is one for every sender of every connection, and media still flows', async () => {
    const { pubEp, viewEp } = await publisherAndViewer(fx.client);
    const pub = await publish(pubEp);
    const viewer = await view(viewEp);
    fx.defer(
      () => pub.pc.close(),
      () => viewer.pc.close(),
    );
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
    const estimators = [pubEp, viewEp].flatMap((ep) => {
      const peer = (fx.server.registry.lookup(ep.id) as WebRtcEndpoint | undefined)?.peer;
      return (['audio', 'video'] as const).map(
        (kind) =>
          (peer?.transceiver(kind)?.sender as { senderBWE?: unknown } | undefined)?.senderBWE,
      );
    });
    expect(estimators).toHaveLength(4);
    expect(estimators[0]).toBeDefined();
    expect(new Set(estimators).size).toBe(1);
    const vpt = pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType;
    const stream = pump(pub.video, 'video', { size: 500, everyMs: 10, payloadType: vpt ?? 96 });
    fx.defer(() => stream.stop());
    expect((await viewer.waitFor('video', 10)).length).toBeGreaterThanOrEqual(10);
  });
});
