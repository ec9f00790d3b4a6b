import { describe, expect, it } from 'vitest';
import type { DtlsClient, RTCDtlsTransport } from 'werift';

import { collectGarbage } from '../test/gc';
import { connectNow } from './dtlsClientHello';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A DtlsClient whose flight 1 sends one fresh ClientHello and never hears back. */
function fakeClient() {
  const sent: number[] = [];
  let hello: WeakRef<Buffer> | undefined;
  const client = {
    connected: false,
    dtls: { flight: 1 },
    transport: {
      socket: {
        send: (buf: Buffer) => {
          sent.push(buf.length);
          return Promise.resolve();
        },
      },
    },
    connect(this: { transport: { socket: { send(b: Buffer): Promise<void> } } }) {
      const buf = Buffer.from([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 1]);
      hello = new WeakRef(buf);
      void this.transport.socket.send(buf);
      return Promise.resolve();
    },
  };
  return { client, sent, hello: () => hello };
}

describe('connectNow (the prompt ClientHello)', () => {
  it('repeats the hello while unanswered, then lets it go; werift gets the same promise', async () => {
    const { client, sent, hello } = fakeClient();
    const transport = { state: 'connecting' };
    connectNow(transport as unknown as RTCDtlsTransport, client as unknown as DtlsClient);
    const first = client.connect();
    expect(client.connect()).toBe(first);
    expect(sent).toHaveLength(1);
    await sleep(130);
    expect(sent).toHaveLength(4); // after 15, 50 and 100 ms
    collectGarbage();
    // The client lives on with its connection: it must not keep the datagram (a pool slab view).
    expect(hello()?.deref()).toBeUndefined();
    expect(client.connect()).toBe(first);
  });
});
