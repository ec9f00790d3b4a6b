/**
 * The media server's first ClientHello leaves when ICE connects (media/dtlsClientHello.ts), and
 * is repeated once if the remote has not answered by the time werift would have sent it: a
 * remote whose DTLS server was not listening yet still connects, and one that gets a hello twice
 * (the repeat crossing its answer) connects once. Their ECDHE runs in Node's X25519
 * (media/dtlsX25519.ts): the handshakes complete and carry media.
 */
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';

import { publisherAndViewer } from './test/kurento';
import { publish, pump, view, waitConnected } from './test/peers';
import { useTestServer } from './test/useTestServer';

/** A DTLS handshake record (content type 22) carrying a ClientHello (handshake type 1). */
const isClientHello = (data: Buffer): boolean =>
  data.length > 13 && data[0] === 22 && data[13] === 1;

type Path = 'drop-first' | 'twice';

/**
 * Counts the ClientHellos reaching `pc` from the media server: the first is lost on the way (as
 * to a DTLS server that is not listening yet), or each one arrives twice.
 */
function helloesTo(pc: RTCPeerConnection, path: Path): { received: () => number } {
  let received = 0;
  const connection = pc.dtlsTransports[0]?.iceTransport.connection;
  if (!connection) throw new Error('no transport yet');
  const deliver = connection.onData.execute.bind(connection.onData);
  connection.onData.execute = (data: Buffer) => {
    if (!isClientHello(data)) {
      deliver(data);
      return;
    }
    received += 1;
    if (path === 'drop-first' && received === 1) return;
    deliver(data);
    if (path === 'twice') deliver(data);
  };
  return { received: () => received };
}

describe('the DTLS client hello', () => {
  const fx = useTestServer();

  /** A publisher whose DTLS server hears our hellos as `path` says, forwarded to a viewer. */
  async function publishThrough(path: Path) {
    const { pubEp, viewEp } = await publisherAndViewer(fx.client);
    let hellos: ReturnType<typeof helloesTo> | undefined;
    const { pc, video, answer } = await publish(pubEp, undefined, (offerer) => {
      hellos = helloesTo(offerer, path);
    });
    fx.defer(() => pc.close());
    // We are the DTLS client: the browser's side (here werift) is the server.
    expect(answer).toContain('a=setup:active');
    const viewer = await view(viewEp);
    fx.defer(() => viewer.pc.close());
    await Promise.all([waitConnected(pc), waitConnected(viewer.pc)]);
    const vpt = pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const stream = pump(video, 'video', { size: 500, everyMs: 10, payloadType: vpt });
    fx.defer(() => stream.stop());
    const received = await viewer.waitFor('video', 10);
    if (!hellos) throw new Error('the publisher made no offer');
    return { hellos, received };
  }

  it('a remote that missed the first hello gets it again, connects and carries media', async () => {
    const { hellos, received } = await publishThrough('drop-first');
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(hellos.received()).toBeGreaterThanOrEqual(2);
  });

  it('a remote that hears every hello twice connects once and carries media', async () => {
    const { hellos, received } = await publishThrough('twice');
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(hellos.received()).toBeGreaterThanOrEqual(2);
  });
});
