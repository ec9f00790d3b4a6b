import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { native } from './native';
import { receiveAddonOf, receiveInAddon, socketFd } from './nativeReceive';

const addon = receiveAddonOf(native);

function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

function closed(s: dgram.Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!addon)('receiving in the addon (recvmmsg)', () => {
  it('hands every datagram to the message listeners, with its source, in order, in batches', async () => {
    const a = await bound();
    const b = await bound();
    expect(receiveInAddon(a, addon)).toBe(true);
    expect(receiveInAddon(a, addon)).toBe(false); // once per socket
    const got: { data: Buffer; info: dgram.RemoteInfo }[] = [];
    a.on('message', (data: Buffer, info: dgram.RemoteInfo) => got.push({ data, info }));
    const before = addon?.recvStats() ?? { batches: 0, datagrams: 0 };
    const n = 100;
    // Sent in one turn of the loop: queued together, so read in few recvmmsg calls.
    for (let i = 0; i < n; i++)
      b.send(Buffer.from([i, 0xab, i ^ 0xff]), a.address().port, '127.0.0.1');
    await until(() => got.length >= n, 3000, `${n} datagrams`);
    const after = addon?.recvStats() ?? { batches: 0, datagrams: 0 };
    expect(got.map((g) => g.data[0])).toEqual([...Array(n).keys()]);
    expect(got.every((g, i) => g.data.equals(Buffer.from([i, 0xab, i ^ 0xff])))).toBe(true);
    expect(got[0]?.info).toEqual({
      address: '127.0.0.1',
      family: 'IPv4',
      port: b.address().port,
      size: 3,
    });
    expect(after.datagrams - before.datagrams).toBe(n);
    expect(after.batches - before.batches).toBeLessThan(n / 4);
    // Each datagram is a buffer of its own (the forward path keeps payloads for NACKs).
    const first = got[0]?.data;
    expect(first && got[1] && first.buffer !== got[1].data.buffer).toBe(true);
    await closed(a);
    await closed(b);
  });

  it('sends what handlers forward during a batch in one sendmmsg per socket, in order', async () => {
    const a = await bound();
    const b = await bound();
    const out = await bound();
    const sink = await bound();
    await new Promise<void>((resolve) => out.connect(sink.address().port, '127.0.0.1', resolve));
    const ctx = native?.create(
      1,
      true,
      Buffer.alloc(16, 1),
      Buffer.alloc(14, 2),
      Buffer.alloc(20, 3),
    );
    expect(ctx && receiveInAddon(a, addon)).toBe(true);
    let seq = 100;
    a.on('message', (data: Buffer) => {
      if (ctx) native?.send(ctx, socketFd(out), 96, seq++, 0, 0x1234, 0, data);
    });
    const got: Buffer[] = [];
    sink.on('message', (d: Buffer) => got.push(d));
    const before = addon?.recvStats();
    const n = 20;
    for (let i = 0; i < n; i++) b.send(Buffer.alloc(200, i), a.address().port, '127.0.0.1');
    await until(() => got.length >= n, 3000, `${n} forwarded`);
    const after = addon?.recvStats();
    // RTP sequence numbers (bytes 2-3, in the clear) in the order forwarded.
    expect(got.map((d) => d.readUInt16BE(2))).toEqual([...Array(n).keys()].map((i) => 100 + i));
    expect(got.every((d) => d.length === 12 + 200 + 10)).toBe(true);
    expect((after?.batchedSends ?? 0) - (before?.batchedSends ?? 0)).toBe(n);
    expect((after?.sendCalls ?? 0) - (before?.sendCalls ?? 0)).toBeLessThan(n / 2);
    // Outside a batch (a timer, say) a send leaves at once.
    if (ctx) native?.send(ctx, socketFd(out), 96, seq++, 0, 0x1234, 0, Buffer.alloc(50));
    expect(addon?.recvStats().batchedSends).toBe(after?.batchedSends);
    await until(() => got.length === n + 1, 3000, 'the direct send');
    for (const s of [a, b, out, sink]) await closed(s);
  });

  it('counts a staged packet the kernel refuses as refused, not as sent', async () => {
    const a = await bound();
    const b = await bound();
    const out = await bound();
    const gone = await bound(); // a port nobody listens on once closed: ICMP port unreachable
    const port = gone.address().port;
    await closed(gone);
    out.on('error', () => undefined); // Node's read of `out` hears the ICMP error too
    await new Promise<void>((resolve) => out.connect(port, '127.0.0.1', resolve));
    const ctx = native?.create(1, true, Buffer.alloc(16, 1), Buffer.alloc(14, 2), Buffer.alloc(20));
    expect(ctx && receiveInAddon(a, addon)).toBe(true);
    let handled = 0;
    a.on('message', (data: Buffer) => {
      // Node's own send goes out at once and its ICMP answer leaves the socket's error pending
      // (on loopback, before this returns): the batch's first sendmmsg then hears it and the
      // kernel refuses that packet. (Later ones are sent: the error is reported once.)
      if (handled++ === 0) out.send(Buffer.alloc(1));
      if (ctx) native?.send(ctx, socketFd(out), 96, handled, 0, 0x1234, 0, data);
    });
    const before = addon?.recvStats();
    const n = 20;
    for (let i = 0; i < n; i++) b.send(Buffer.alloc(100, i), a.address().port, '127.0.0.1');
    await until(() => handled >= n, 3000, `${n} handled`);
    await new Promise((r) => setImmediate(r)); // past the check phase that flushes the batch
    const after = addon?.recvStats();
    const delta = (k: 'batchedSends' | 'batchRefused' | 'batchDropped'): number =>
      (after?.[k] ?? 0) - (before?.[k] ?? 0);
    // Every staged packet is counted once, and the refused ones are not counted as sent.
    expect(delta('batchedSends') + delta('batchRefused') + delta('batchDropped')).toBe(n);
    expect(delta('batchRefused')).toBeGreaterThan(0);
    expect(delta('batchedSends')).toBeLessThan(n);
    for (const s of [a, b, out]) await closed(s);
  });

  it('hands datagrams straight to werift’s transport while its listener is the only one', async () => {
    const a = await bound();
    const b = await bound();
    let viaEvent = 0;
    a.on('message', () => viaEvent++); // stands for werift's own listener
    const direct: [Buffer, readonly [string, number]][] = [];
    const transport = {
      rinfo: undefined as unknown,
      onData: (d: Buffer, addr: readonly [string, number]) => direct.push([d, addr]),
    };
    expect(receiveInAddon(a, addon, transport)).toBe(true);
    for (let i = 0; i < 3; i++) b.send(Buffer.from([i]), a.address().port, '127.0.0.1');
    await until(() => direct.length === 3, 3000, 'three datagrams');
    expect(viaEvent).toBe(0);
    expect(direct.map(([d, addr]) => [d[0], addr[0], addr[1]])).toEqual(
      [0, 1, 2].map((i) => [i, '127.0.0.1', b.address().port]),
    );
    expect(transport.rinfo).toMatchObject({ address: '127.0.0.1', port: b.address().port });
    // Someone else listens too: everyone gets the event, werift's listener included.
    let other = 0;
    a.on('message', () => other++);
    b.send(Buffer.from([9]), a.address().port, '127.0.0.1');
    await until(() => other === 1, 3000, 'the event');
    expect(viaEvent).toBe(1);
    expect(direct).toHaveLength(3);
    await closed(a);
    await closed(b);
  });

  it('stops before the socket closes: nothing is handed over after, and the port is free', async () => {
    const a = await bound();
    const b = await bound();
    const port = a.address().port;
    expect(receiveInAddon(a, addon)).toBe(true);
    let count = 0;
    a.on('message', () => count++);
    b.send(Buffer.from('one'), port, '127.0.0.1');
    await until(() => count === 1, 3000, 'first datagram');
    await closed(a);
    b.send(Buffer.from('two'), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 50));
    expect(count).toBe(1);
    // The addon's copy of the fd is closed too: the port can be bound again.
    const again = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', () => resolve());
    });
    await closed(again);
    await closed(b);
  });

  it('leaves the socket to Node with MEDIA_NATIVE_RECV=off or without the addon', async () => {
    const a = await bound();
    expect(receiveInAddon(a, null)).toBe(false);
    process.env['MEDIA_NATIVE_RECV'] = 'off';
    try {
      expect(receiveInAddon(a, addon)).toBe(false);
    } finally {
      delete process.env['MEDIA_NATIVE_RECV'];
    }
    await closed(a);
  });
});
