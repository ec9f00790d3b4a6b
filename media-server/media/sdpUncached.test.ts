import { describe, expect, it } from 'vitest';

import type { WebRtcEndpoint } from '../objects/WebRtcEndpoint';
import type { KEndpoint, KPipeline } from '../test/kurento';
import { k } from '../test/kurento';
import { publish, waitConnected } from '../test/peers';
import { useTestServer } from '../test/useTestServer';

interface Described {
  cachedJson?: unknown;
  string: string;
}

describe("werift's descriptions without their cached SDP text (issue 15, memory)", () => {
  const fx = useTestServer();

  it('keep no copy of the text, and give the same description on every read', async () => {
    const pipeline = await k<KPipeline>((cb) => fx.client.create('MediaPipeline', cb));
    const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    const pub = await publish(ep);
    fx.defer(() => pub.pc.close());
    await waitConnected(pub.pc);
    const peer = (fx.server.registry.lookup(ep.id) as WebRtcEndpoint | undefined)?.peer;
    const pc = peer?.pc;
    if (!pc) throw new Error('no peer');
    const first = pc.localDescription;
    const again = pc.localDescription;
    expect(again?.sdp).toBe(first?.sdp);
    expect(pc.remoteDescription?.sdp).toContain('a=setup:actpass');
    const sdp = (pc as unknown as { sdpManager: Record<string, Described | undefined> }).sdpManager;
    for (const d of [sdp['currentLocalDescription'], sdp['currentRemoteDescription']]) {
      expect(d?.string.length).toBeGreaterThan(100);
      expect(d?.cachedJson).toBeUndefined();
    }
  });
});
