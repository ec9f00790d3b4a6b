/**
 * Once the media server's DTLS client is connected it keeps nothing of the handshake
 * (media/dtlsSettled.ts), and a late copy of any handshake record from the remote's DTLS server
 * (its flight 4 or its Finished, duplicated by the network) changes nothing: the connection
 * stays up and carries media.
 */
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';

import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import { publisherAndViewer } from './test/kurento';
import { publish, pump, view, waitConnected } from './test/peers';
import { useTestServer } from './test/useTestServer';

/** A DTLS handshake record (content type 22). */
const isHandshake = (data: Buffer): boolean => data.length > 13 && data[0] === 22;

/** Keeps a copy of every handshake record `pc` sends; `replay` sends them all again. */
function recordHandshakes(pc: RTCPeerConnection): { replay(): Promise<number> } {
  const connection = pc.dtlsTransports[0]?.iceTransport.connection;
  if (!connection) throw new Error('no transport yet');
  const sent: Buffer[] = [];
  const send = connection.send.bind(connection);
  connection.send = (data: Buffer) => {
    if (isHandshake(data)) sent.push(Buffer.from(data));
    return send(data);
  };
  return {
    async replay() {
      for (const data of sent) await send(data);
      return sent.length;
    },
  };
}

describe('the DTLS client after the handshake', () => {
  const fx = useTestServer();

  it('drops the handshake state, ignores late handshake records and carries media', async () => {
    const { pubEp, viewEp } = await publisherAndViewer(fx.client);
    const states: string[] = [];
    pubEp.on('ConnectionStateChanged', (event) => states.push(String(event['newState'])));
    let records: { replay(): Promise<number> } | undefined;
    const { pc, video, answer } = await publish(pubEp, undefined, (offerer) => {
      records = recordHandshakes(offerer);
    });
    fx.defer(() => pc.close());
    expect(answer).toContain('a=setup:active'); // the media server is the DTLS client
    const viewer = await view(viewEp);
    fx.defer(() => viewer.pc.close());
    await Promise.all([waitConnected(pc), waitConnected(viewer.pc)]);
    await new Promise((r) => setTimeout(r, 50));

    const ep = fx.server.registry.lookup(pubEp.id) as WebRtcEndpoint | undefined;
    const dtls = ep?.peer?.pc.dtlsTransports[0]?.dtls?.dtls as unknown as {
      handshakeCache: Record<number, unknown>;
      lastMessage: unknown[];
      lastFlight: unknown[];
    };
    expect(Object.keys(dtls.handshakeCache)).toEqual([]);
    expect(dtls.lastMessage).toEqual([]);
    expect(dtls.lastFlight).toEqual([]);

    // The remote's HelloVerifyRequest, flight 4 and Finished once more, as late duplicates.
    expect(await records?.replay()).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 300));
    const vpt = pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const stream = pump(video, 'video', { size: 500, everyMs: 10, payloadType: vpt });
    fx.defer(() => stream.stop());
    expect((await viewer.waitFor('video', 20)).length).toBeGreaterThanOrEqual(20);
    expect(pc.connectionState).toBe('connected');
    expect(states).toContain('CONNECTED');
    expect(states).not.toContain('DISCONNECTED');
  });
});
