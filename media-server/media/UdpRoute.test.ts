import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpTransport } from 'werift';
import { until } from '../test/env';
import type { WeriftUdpTransport } from './UdpRoute';
import { SILENT_MS, UdpRoute } from './UdpRoute';

/** A loopback UDP socket that records what it receives. */
async function receiver(): Promise<{ socket: dgram.Socket; port: number; got: string[] }> {
  const socket = dgram.createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, got };
}

/** Real sockets on loopback: werift's own UdpTransport and plain receivers. */
describe('UdpRoute', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function setup() {
    const transport = await UdpTransport.init('udp4', {
      interfaceAddresses: { udp4: '127.0.0.1' },
    });
    closers.push(() => transport.close());
    const remote = await receiver();
    closers.push(() => {
      try {
        remote.socket.close();
      } catch {
        // closed by the test
      }
    });
    const other = await receiver();
    closers.push(() => other.socket.close());
    const t = transport as unknown as WeriftUdpTransport;
    return { t, remote, other };
  }

  it('connects the socket to the remote, and werift sends to it keep working', async () => {
    const { t, remote } = await setup();
    const route = UdpRoute.for(t, '127.0.0.1', remote.port);
    // Sent before, during and after the connect completes: none may throw or be lost.
    route.send(Buffer.from('a'));
    await t.send(Buffer.from('b'), ['127.0.0.1', remote.port]);
    await until(() => route.connected, 2000, 'connected');
    expect(t.socket.remoteAddress()).toMatchObject({ address: '127.0.0.1', port: remote.port });
    route.send(Buffer.from('c'));
    await t.send(Buffer.from('d'), ['127.0.0.1', remote.port]);
    await until(() => remote.got.length === 4, 2000, 'four datagrams');
    expect(remote.got).toEqual(['a', 'b', 'c', 'd']);
    expect(UdpRoute.for(t, '127.0.0.1', remote.port)).toBe(route);
  });

  it('unconnects for good when werift sends elsewhere', async () => {
    const { t, remote, other } = await setup();
    const route = UdpRoute.for(t, '127.0.0.1', remote.port);
    await until(() => route.connected, 2000, 'connected');
    await t.send(Buffer.from('stun'), ['127.0.0.1', other.port]);
    expect(route.connected).toBe(false);
    expect(() => t.socket.remoteAddress()).toThrow();
    route.send(Buffer.from('media'));
    await until(() => other.got.length === 1 && remote.got.length === 1, 2000, 'both');
    expect(other.got).toEqual(['stun']);
    expect(remote.got).toEqual(['media']);
  });

  it('survives the remote going away (ICMP unreachable on a connected socket)', async () => {
    const { t, remote } = await setup();
    const route = UdpRoute.for(t, '127.0.0.1', remote.port);
    await until(() => route.connected, 2000, 'connected');
    remote.socket.close();
    // Each datagram to the closed port comes back as ECONNREFUSED on the next receive; an
    // unhandled 'error' event would fail this test run.
    for (let i = 0; i < 5; i++) {
      route.send(Buffer.from('x'));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(route.connected).toBe(true);
  });

  it('follows a re-nomination to another remote', async () => {
    const { t, remote, other } = await setup();
    const first = UdpRoute.for(t, '127.0.0.1', remote.port);
    await until(() => first.connected, 2000, 'first connected');
    const second = UdpRoute.for(t, '127.0.0.1', other.port);
    expect(first.connected).toBe(false);
    second.send(Buffer.from('x'));
    await until(() => second.connected, 2000, 'second connected');
    second.send(Buffer.from('y'));
    await until(() => other.got.length === 2, 2000, 'two at the new remote');
    expect(remote.got).toEqual([]);
  });

  it('hears a new address once the remote is silent, and connects again when it is heard', async () => {
    const { t, remote, other } = await setup();
    const heardFrom: number[] = [];
    t.socket.on('message', (_m, info) => heardFrom.push(info.port));
    let heard = 0;
    const route = UdpRoute.for(t, '127.0.0.1', remote.port, () => heard);
    await until(() => route.connected, 2000, 'connected');
    const local = t.socket.address().port;
    // The remote's new address (another socket) checks in while the old one still talks: the
    // connected socket does not hear it.
    const probe = (): void => other.socket.send('check', local, '127.0.0.1');
    const talking = setInterval(() => heard++, 100);
    closers.push(() => clearInterval(talking));
    probe();
    await new Promise((r) => setTimeout(r, 300));
    expect(heardFrom).not.toContain(other.port);
    clearInterval(talking);
    // Silent: the socket unconnects, and what comes from elsewhere reaches werift.
    await until(() => route.listening, SILENT_MS + 2000, 'listening');
    expect(route.fd).toBe(-1);
    // Unconnected, the socket keeps its port (Linux drops one that bind() did not name).
    expect(t.socket.address().port).toBe(local);
    probe();
    await until(() => heardFrom.includes(other.port), 2000, 'the new address heard');
    // Sends still reach the remote meanwhile (with an address).
    route.send(Buffer.from('meanwhile'));
    await until(() => remote.got.includes('meanwhile'), 2000, 'sent while listening');
    // The old remote speaks again (a path that came back): connected again.
    heard++;
    await until(() => route.connected, 2000, 'connected again');
    expect(route.remote).toEqual({ address: '127.0.0.1', port: remote.port });
  });
});
