import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtectionProfileAes128CmHmacSha1_80 } from 'werift';
import { FanOut } from './fanOut';
import type { Engagement } from './fanOutEngage';
import type { NativeAddon } from './native';
import { loadNative } from './native';
import { SrtpWriter } from './SrtpWriter';
import { UdpRoute } from './UdpRoute';
import { LoopbackSockets, srtpSessionPair } from '../test/srtpPair';

// The JS thread never waits for a forwarding thread (issue 15, session 12: an N = 16 set-up in
// which the media server stopped answering while a stream was being taken back from a thread).
// The threads are held here (fanoutHold: they start no batch, as threads that get no CPU), and
// the JS thread must go on: take a stream back without waiting, send for a stuck thread, and
// give up a drain at its deadline.

const root = path.resolve(import.meta.dirname, '../..');
let addon: NativeAddon | null = null;
let pool: FanOut | null = null;

class Toggle implements Engagement {
  engaged = true;
}
const toggle = new Toggle();

beforeAll(() => {
  spawnSync(process.execPath, [path.join(root, 'native', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  addon = loadNative();
  if (addon) pool = new FanOut(addon, 2, toggle);
}, 120_000);

const sockets = new LoopbackSockets();
afterEach(() => {
  addon?.fanoutHold(false);
  toggle.engaged = true;
  sockets.closeAll();
});

/** A connected socket, a writer on it and the sequence numbers its viewer decrypts, in order. */
async function stream(): Promise<{ fd: number; writer: SrtpWriter; seen: number[] }> {
  if (!addon || !pool) throw new Error('native addon not loaded');
  const { keys: srtp, viewer } = srtpSessionPair(ProtectionProfileAes128CmHmacSha1_80);
  const from = await sockets.bound();
  const to = await sockets.bound();
  const seen: number[] = [];
  to.on('message', (m: Buffer) => seen.push(viewer.decrypt(m).readUInt16BE(2)));
  const route = UdpRoute.for(
    { socket: from, send: () => Promise.resolve() },
    '127.0.0.1',
    to.address().port,
  );
  await expect.poll(() => route.fd, { timeout: 2000 }).toBeGreaterThan(0);
  return { fd: route.fd, writer: new SrtpWriter(srtp, addon, pool), seen };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The forwarding threads are the addon's: with MEDIA_NATIVE=off (the JS-only run) there are none to test.
describe.skipIf(process.env['MEDIA_NATIVE'] === 'off')(
  'a forwarding thread that does not run',
  () => {
    it('lets its stream go back to the JS thread without waiting, in order', async () => {
      if (!addon || !pool) throw new Error('native addon not loaded');
      const { fd, writer, seen } = await stream();
      const threadSent = pool.stats().packets;
      addon.fanoutHold(true);
      for (let seq = 0; seq < 5; seq++)
        writer.send(fd, 96, false, seq, 90 * seq, 7, randomBytes(100));
      await tick(0); // the turn's staged batch goes to the held thread
      // Disengaged: the stream cannot leave before its thread has sent 0–4, and the JS thread
      // does not wait for that (before session 12 this call blocked until the thread ran).
      toggle.engaged = false;
      expect(writer.send(fd, 96, false, 5, 450, 7, randomBytes(100))).toBeGreaterThan(0);
      expect(pool.stats().packets).toBe(threadSent);
      expect(seen).toEqual([]);
      addon.fanoutHold(false);
      expect(pool.drain()).toBe(true);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(6);
      // Now the thread holds nothing of it: the JS thread sends the next one itself.
      expect(writer.send(fd, 96, false, 6, 540, 7, randomBytes(100))).toBeGreaterThan(0);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(7);
      expect(pool.stats().packets - threadSent).toBe(6);
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
      writer.close();
    });

    it('is passed by: after 500 ms without progress the JS thread sends its packets', async () => {
      if (!addon || !pool) throw new Error('native addon not loaded');
      const { fd, writer, seen } = await stream();
      const before = pool.stats();
      addon.fanoutHold(true);
      writer.send(fd, 96, false, 0, 0, 7, randomBytes(100));
      await tick(600); // queued on the held thread, which finishes nothing for longer than 500 ms
      for (let seq = 1; seq <= 3; seq++)
        writer.send(fd, 96, false, seq, 90 * seq, 7, randomBytes(100));
      // Sent by the JS thread while the thread is still held.
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(3);
      expect(seen).toEqual([1, 2, 3]);
      expect(pool.stats().packets).toBe(before.packets);
      expect(pool.stats().stuckRefused - before.stuckRefused).toBe(3);
      // Let go, the late packet arrives late; the thread takes the stream again once it moves.
      addon.fanoutHold(false);
      expect(pool.drain()).toBe(true);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(4);
      writer.send(fd, 96, false, 4, 360, 7, randomBytes(100));
      expect(pool.drain()).toBe(true);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(5);
      expect(seen).toEqual([1, 2, 3, 0, 4]);
      expect(pool.stats().packets - before.packets).toBe(2);
      writer.close();
    });

    it('ends a drain at its deadline, and says so', async () => {
      if (!addon || !pool) throw new Error('native addon not loaded');
      const { fd, writer, seen } = await stream();
      addon.fanoutHold(true);
      writer.send(fd, 96, false, 0, 0, 7, randomBytes(100));
      expect(pool.drain(50)).toBe(false);
      addon.fanoutHold(false);
      expect(pool.drain()).toBe(true);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(1);
      writer.close();
    });
  },
);
