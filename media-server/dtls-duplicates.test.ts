/**
 * Networks duplicate packets and DTLS servers retransmit their flights when an answer is late
 * (RFC 6347 §4.2.4). The media server, always the DTLS client when it answers, must complete the
 * handshake and carry media when every DTLS packet from the browser arrives twice. (werift 0.24.4
 * failed it on a second HelloVerifyRequest, while the browser side reached `connected`: a silent
 * stream, seen when a dozen people joined at once. See media/dtlsRetransmit.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { publisherAndViewer } from './test/kurento';
import { publish, pump, view, waitConnected } from './test/peers';
import { useTestServer } from './test/useTestServer';

/** DTLS records start with a content type from 20 to 63 (RFC 7983's demultiplexing). */
const isDtls = (data: Buffer): boolean => data.length > 0 && data[0]! >= 20 && data[0]! <= 63;

/** Makes the path from `pc` to the media server deliver every DTLS packet twice. */
function duplicateDtlsFrom(pc: RTCPeerConnection): { duplicated: () => number } {
  let duplicated = 0;
  for (const transceiver of pc.getTransceivers()) {
    const connection = transceiver.sender.dtlsTransport.iceTransport.connection;
    const send = connection.send.bind(connection);
    connection.send = async (data: Buffer): Promise<void> => {
      await send(data);
      if (!isDtls(data)) return;
      duplicated += 1;
      await send(data);
    };
  }
  return { duplicated: () => duplicated };
}

describe('DTLS with duplicated packets', () => {
  const fx = useTestServer();

  it('a publisher whose every DTLS packet arrives twice connects and its media is forwarded', async () => {
    const { pubEp, viewEp } = await publisherAndViewer(fx.client);
    const states: string[] = [];
    pubEp.on('ConnectionStateChanged', (event) => states.push(String(event['newState'])));

    let network: { duplicated(): number } | undefined;
    const { pc, video } = await publish(pubEp, undefined, (offerer) => {
      network = duplicateDtlsFrom(offerer);
    });
    fx.defer(() => pc.close());
    const viewer = await view(viewEp);
    fx.defer(() => viewer.pc.close());
    await Promise.all([waitConnected(pc), waitConnected(viewer.pc)]);

    const vpt = pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const stream = pump(video, 'video', { size: 500, everyMs: 10, payloadType: vpt });
    fx.defer(() => stream.stop());
    const received = await viewer.waitFor('video', 10);
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(network?.duplicated()).toBeGreaterThan(0);
    expect(states).toContain('CONNECTED');
    expect(states).not.toContain('DISCONNECTED');
  });
});
