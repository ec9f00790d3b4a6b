import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80 } from 'werift';
import { FanOut } from './fanOut';
import type { Engagement } from './fanOutEngage';
import type { NativeAddon } from './native';
import { loadNative } from './native';
import { receiveAddonOf, receiveInAddon } from './nativeReceive';
import { SrtpWriter } from './SrtpWriter';
import { UdpRoute } from './UdpRoute';
import { LoopbackSockets, srtpSessionPair } from '../test/srtpPair';

// A stream moved between the JS thread's send and a forwarding thread, back and forth, while its
// packets arrive in receive batches (recv.c, whose sends are staged until the check phase): the
// viewer must see every packet once, in the order sent, authenticated with its own ROC estimate.

const root = path.resolve(import.meta.dirname, '../..');
let addon: NativeAddon | null = null;

/** The switch, flipped by the test instead of by load. */
class Toggle implements Engagement {
  engaged = false;
  flips = 0;
  flip(): void {
    this.engaged = !this.engaged;
    this.flips++;
  }
}
const toggle = new Toggle();
let pool: FanOut | null = null;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(root, 'native', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  addon = loadNative();
  if (addon) pool = new FanOut(addon, 2, toggle);
}, 120_000);

const sockets = new LoopbackSockets();
afterEach(() => sockets.closeAll());

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The forwarding threads are the addon's: with MEDIA_NATIVE=off (the JS-only run) there are none to test.
describe.skipIf(process.env['MEDIA_NATIVE'] === 'off')(
  'moving a stream on and off the threads',
  () => {
    for (const [name, profile] of [
      ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
      ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
    ] as const) {
      it(`${name}: every packet once, in order, authenticated, across a wrap and many switches`, async () => {
        const receive = receiveAddonOf(addon);
        if (!addon || !pool || !receive) throw new Error('native addon not loaded');
        const fanOut = pool;
        const { keys, viewer } = srtpSessionPair(profile);
        const writer = new SrtpWriter(keys, addon, fanOut);
        // The publisher's socket → the media server's (read in the addon) → the viewer's.
        const publisher = await sockets.bound();
        const server = await sockets.bound();
        const out = await sockets.bound();
        const view = await sockets.bound();
        const route = UdpRoute.for(
          { socket: out, send: () => Promise.resolve() },
          '127.0.0.1',
          view.address().port,
        );
        await expect.poll(() => route.fd, { timeout: 2000 }).toBeGreaterThan(0);
        expect(receiveInAddon(server, receive)).toBe(true);

        const sent: string[] = []; // seq:payload of each send, in order
        const seen: string[] = [];
        const failures: string[] = [];
        view.on('message', (m: Buffer) => {
          try {
            const plain = viewer.decrypt(m);
            seen.push(`${plain.readUInt16BE(2)}:${plain.subarray(12).toString('hex')}`);
          } catch (e) {
            failures.push(String(e));
          }
        });
        const history = new Map<number, Buffer>();
        let seq = 0xffff - 600; // wraps: ROC 0 → 1 halfway
        let sinceFlip = 0;
        let flipEvery = 5;
        server.on('message', (data: Buffer) => {
          // The switch flips inside receive batches too, between two packets of one batch.
          if (++sinceFlip >= flipEvery) {
            toggle.flip();
            sinceFlip = 0;
            flipEvery = 1 + ((data[0] ?? 0) % 23);
          }
          const s = seq;
          seq = (seq + 1) & 0xffff;
          history.set(s, data);
          if (writer.send(route.fd, 96, false, s, 90 * s, 0x1234, data) > 0) {
            sent.push(`${s}:${data.toString('hex')}`);
          }
          // A NACK answer now and then, on whichever path the stream is on.
          const old = history.get((s - 5) & 0xffff);
          if (
            s % 11 === 0 &&
            old &&
            writer.send(route.fd, 96, false, (s - 5) & 0xffff, 0, 0x1234, old) > 0
          ) {
            sent.push(`${(s - 5) & 0xffff}:${old.toString('hex')}`);
          }
        });
        // The JS send's batches (staged during receive batches) and the threads' sends, before.
        const before = {
          threads: fanOut.stats().packets,
          staged: receive.recvStats().batchedSends,
        };
        const total = 1500;
        for (let i = 0; i < total; i += 20) {
          for (let j = i; j < i + 20; j++) {
            publisher.send(randomBytes(40 + ((j * 37) % 900)), server.address().port, '127.0.0.1');
          }
          // Between bursts the switch flips outside receive batches as well (as on the beat).
          if (i % 60 === 0) toggle.flip();
          // Paced: a full socket buffer drops, as UDP does, and this test is about order.
          await expect
            .poll(() => seen.length + failures.length >= sent.length, { timeout: 5000 })
            .toBe(true);
          await tick(1);
        }
        await expect.poll(() => history.size, { timeout: 5000 }).toBe(total);
        expect(fanOut.drain()).toBe(true);
        await expect.poll(() => seen.length + failures.length, { timeout: 5000 }).toBe(sent.length);
        expect(failures).toEqual([]);
        expect(seen).toEqual(sent);
        expect(sent.length).toBeGreaterThan(total);
        // Both paths carried packets, the JS one from its staged batches, and it switched often.
        expect(fanOut.stats().packets - before.threads).toBeGreaterThan(100);
        expect(receive.recvStats().batchedSends - before.staged).toBeGreaterThan(100);
        expect(toggle.flips).toBeGreaterThan(100);
        writer.close();
      });
    }
  },
);
