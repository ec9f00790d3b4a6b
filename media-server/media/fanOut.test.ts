import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism, constants } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  SrtpSession,
} from 'werift';
import type { MediaStreamTrack } from 'werift';
import { RtpHeader, RtpPacket } from 'werift';
import { ALWAYS, engagementOf, FanOut, forwardingThreads } from './fanOut';
import { LoadEngagement } from './fanOutEngage';
import type { NativeAddon } from './native';
import { loadNative } from './native';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';
import { UdpRoute } from './UdpRoute';
import type { KEndpoint, KPipeline } from '../test/kurento';
import { k } from '../test/kurento';
import type { Viewer } from '../test/peers';
import { publish, pump, view, waitConnected } from '../test/peers';
import { useTestServer } from '../test/useTestServer';

// This file is about the threads themselves: they take every packet here (by default only while
// the JS thread is busy, which a test's room never is), set before fanOut.ts starts its pool.
vi.hoisted(() => {
  process.env['MEDIA_WORKERS'] ??= '2';
  process.env['MEDIA_WORKERS_ENGAGE'] ??= 'always';
});

const root = path.resolve(import.meta.dirname, '../..');
const hasCompiler = ['cc', 'make', 'python3'].every(
  (c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status === 0,
);
let addon: NativeAddon | null = null;
let pool: FanOut | null = null;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(root, 'native', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  addon = loadNative();
  // Two threads whatever the machine: the sharding across threads is part of what is tested.
  if (addon) pool = new FanOut(addon, 2, ALWAYS);
}, 120_000);

function keysFor(profile: number): SrtpKeys {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const a = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const session = new SrtpSession({
    profile,
    keys: {
      localMasterKey: a.key,
      localMasterSalt: a.salt,
      remoteMasterKey: b.key,
      remoteMasterSalt: b.salt,
    },
  });
  return (session as unknown as { localContext: SrtpKeys }).localContext;
}

const PROFILES = [
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
] as const;

const sockets: dgram.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) {
    try {
      s.close();
    } catch {
      // closed by the test
    }
  }
});

async function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

/** A socket connected to a receiving one (as UdpRoute connects a viewer's), and what arrives. */
async function link(): Promise<{ from: dgram.Socket; fd: number; got: Buffer[] }> {
  const from = await bound();
  const to = await bound();
  const got: Buffer[] = [];
  to.on('message', (m) => got.push(m));
  const route = UdpRoute.for(
    { socket: from, send: () => Promise.resolve() },
    '127.0.0.1',
    to.address().port,
  );
  await expect.poll(() => route.fd, { timeout: 2000 }).toBeGreaterThan(0);
  return { from, fd: route.fd, got };
}

const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
/** This process's fds open on the socket `inode` (readlink of an fd: "socket:[n]"). */
function fdsOf(inode: string): number {
  let n = 0;
  for (const f of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${f}`) === inode) n++;
    } catch {
      // closed meanwhile (readdir's own fd among them)
    }
  }
  return n;
}

function need(): { addon: NativeAddon; pool: FanOut } {
  if (!addon || !pool) throw new Error('native addon not loaded');
  return { addon, pool };
}

describe('forwarding threads (MEDIA_WORKERS)', () => {
  it('run wherever the addon builds, one per core unless MEDIA_WORKERS says; engaged by load', () => {
    expect(forwardingThreads({})).toBe(Math.min(64, availableParallelism()));
    expect(forwardingThreads({ MEDIA_WORKERS: '0' })).toBe(0);
    expect(forwardingThreads({ MEDIA_WORKERS: '3' })).toBe(3);
    expect(() => forwardingThreads({ MEDIA_WORKERS: 'two' })).toThrow(/MEDIA_WORKERS/);
    expect(engagementOf({})).toBeInstanceOf(LoadEngagement);
    expect(engagementOf({ MEDIA_WORKERS_ENGAGE: 'load' })).toBeInstanceOf(LoadEngagement);
    expect(engagementOf({ MEDIA_WORKERS_ENGAGE: 'always' })).toBe(ALWAYS);
    expect(() => engagementOf({ MEDIA_WORKERS_ENGAGE: 'sometimes' })).toThrow(/ENGAGE/);
    if (!hasCompiler || process.env['MEDIA_NATIVE'] === 'off') {
      console.warn('fanOut.test: no addon (no compiler, or MEDIA_NATIVE=off); threads skipped');
      return;
    }
    // Started once per process: by this file's FanOut, or by the media server's own at import.
    expect(pool?.threads).toBeGreaterThanOrEqual(1);
  });

  for (const [name, profile] of PROFILES) {
    it(`${name}: byte-identical to the JS path, in order, across two wraps, with retransmissions`, async () => {
      if (!addon) return;
      const { pool } = need();
      const keys = keysFor(profile);
      const threaded = new SrtpWriter(keys, need().addon, pool);
      const js = new SrtpWriter(keys, null, null);
      const { fd, got } = await link();
      const expected: Buffer[] = [];
      const sent = new Map<number, Buffer>();
      let seq = 0xff00;
      let wraps = 0;
      for (let i = 0; wraps < 2 || seq < 0x80; i++) {
        const shift = i % 4;
        const payload = randomBytes(shift + ((i * 97) % 1300)).subarray(shift);
        const marker = i % 3 === 0;
        const ts = (1000 * i) >>> 0;
        sent.set(seq, payload);
        expect(threaded.send(fd, 96, marker, seq, ts, 0x9abcdef0, payload)).toBe(
          12 + payload.length + (profile === ProtectionProfileAeadAes128Gcm ? 16 : 10),
        );
        expected.push(js.encrypt(96, marker, seq, ts, 0x9abcdef0, payload));
        // A NACK answer (an earlier packet again, before the wrap too) between new packets.
        const old = (seq - 3) & 0xffff;
        const again = sent.get(old);
        if (i % 7 === 6 && again) {
          threaded.send(fd, 96, false, old, 7, 0x9abcdef0, again);
          expected.push(js.encrypt(96, false, old, 7, 0x9abcdef0, again));
        }
        const next = (seq + (seq >= 0xfd00 || seq < 0x100 ? 1 : 0x1ff)) & 0xffff;
        if (next < seq) wraps++;
        seq = next;
        // Keep within the receiving socket's buffer: a full one drops, as UDP does.
        if (expected.length % 40 === 0) {
          expect(pool.drain()).toBe(true);
          await expect.poll(() => got.length, { timeout: 5000 }).toBe(expected.length);
        }
      }
      expect(pool.drain()).toBe(true);
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(expected.length);
      expect(hex(got)).toEqual(hex(expected));
      threaded.close();
    });
  }

  it('keeps each subscriber in order across threads, and sends a socket’s batch in one syscall', async () => {
    if (!addon) return;
    const { pool } = need();
    const keys = keysFor(ProtectionProfileAes128CmHmacSha1_80);
    const sinks = (await Promise.all([link(), link(), link()])).map((l, k) => ({
      ...l,
      ssrc: 1000 + k,
      writer: new SrtpWriter(keys, need().addon, pool),
      js: new SrtpWriter(keys, null, null),
      expected: [] as Buffer[],
    }));
    const before = pool.stats();
    // One packet to three subscribers, ten times: as a room fans a publisher's packets out.
    for (let i = 0; i < 10; i++) {
      const payload = randomBytes(1000);
      for (const s of sinks) {
        s.writer.send(s.fd, 96, false, 100 + i, 90 * i, s.ssrc, payload);
        s.expected.push(s.js.encrypt(96, false, 100 + i, 90 * i, s.ssrc, payload));
      }
    }
    expect(pool.drain()).toBe(true);
    const after = pool.stats();
    for (const s of sinks) {
      await expect.poll(() => s.got.length, { timeout: 5000 }).toBe(10);
      expect(hex(s.got)).toEqual(hex(s.expected));
      s.writer.close();
    }
    expect(after.packets - before.packets).toBe(30);
    // 30 datagrams below the early-submit size: one batch per thread, one sendmmsg per socket.
    expect(after.syscalls - before.syscalls).toBe(3);
  });

  it('sends what was queued before a close, even when Node closed the socket, and frees the fd', async () => {
    if (!addon) return;
    const { pool } = need();
    const { from, fd, got } = await link();
    const inode = readlinkSync(`/proc/self/fd/${fd}`); // socket:[n]
    const keys = keysFor(ProtectionProfileAeadAes128Gcm);
    const writer = new SrtpWriter(keys, need().addon, pool);
    const js = new SrtpWriter(keys, null, null);
    const expected: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      const payload = randomBytes(200);
      writer.send(fd, 111, false, i, 960 * i, 42, payload);
      expected.push(js.encrypt(111, false, i, 960 * i, 42, payload));
    }
    // Node's fd and the thread's copy of it.
    expect(fdsOf(inode)).toBe(2);
    writer.close();
    from.close(); // its fd number is free for anything now; the thread still has its own copy
    expect(pool.drain()).toBe(true);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(5);
    expect(hex(got)).toEqual(hex(expected));
    await expect.poll(() => fdsOf(inode), { timeout: 5000 }).toBe(0);
  });

  it('counts per sender what was queued, sent and refused, with the errno', async () => {
    if (!addon) return;
    const { pool } = need();
    const keys = keysFor(ProtectionProfileAes128CmHmacSha1_80);
    const { from, fd, got } = await link();
    const sender = pool.open(keys, fd);
    for (let i = 0; i < 3; i++) pool.queue(sender, 96, i, 90 * i, 7, 0, randomBytes(100));
    expect(pool.drain()).toBe(true);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(3);
    expect(pool.senderStats(sender)).toEqual({
      queued: 3,
      sent: 3,
      dropped: 0,
      errors: 0,
      lastErrno: 0,
    });
    // Unconnected (as UdpRoute leaves a socket whose remote went silent): the thread's sends fail.
    from.disconnect();
    pool.queue(sender, 96, 3, 270, 7, 0, randomBytes(100));
    expect(pool.drain()).toBe(true);
    const after = pool.senderStats(sender);
    expect(after).toMatchObject({ queued: 4, sent: 3, errors: 1 });
    expect(after.lastErrno).toBe(constants.errno.EDESTADDRREQ);
    pool.close(sender);
  });
});

describe('a werift room through the media server on the forwarding threads', () => {
  const fx = useTestServer();

  it('delivers every viewer the publisher’s payloads intact and in order', async () => {
    if (!addon) return;
    const stats = () => need().addon.fanoutStats();
    expect(stats().threads).toBeGreaterThanOrEqual(1);
    const pipeline = await k<KPipeline>((cb) => fx.client.create('MediaPipeline', cb));
    const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    const pub = await publish(pubEp);
    fx.defer(() => pub.pc.close());
    const viewers: Viewer[] = [];
    for (let i = 0; i < 2; i++) {
      const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
      await k((cb) => pubEp.connect(ep, cb));
      const v = await view(ep);
      fx.defer(() => v.pc.close());
      viewers.push(v);
    }
    await Promise.all([pub.pc, ...viewers.map((v) => v.pc)].map((pc) => waitConnected(pc)));
    const before = stats().packets;
    const vpt = pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType;
    const video = pump(pub.video, 'video', { size: 1000, everyMs: 5, payloadType: vpt ?? 96 });
    fx.defer(() => video.stop());
    const got = await Promise.all(viewers.map((v) => v.waitFor('video', 100)));
    video.stop();
    const sent = new Set(video.sent.map((b) => b.toString('hex')));
    for (const packets of got) {
      for (const p of packets) expect(sent.has(p.payload.toString('hex'))).toBe(true);
      const counters = packets.map((p) => p.payload.readUInt32BE(1));
      expect([...counters].sort((a, b) => a - b)).toEqual(counters);
    }
    // Those packets left through the threads, not the JS thread's own send, except each
    // viewer's first (sent while UdpRoute connects its socket). A thread counts a datagram after
    // sendmmsg returns, which on loopback can be after the viewer has read it: polled.
    await expect.poll(() => stats().packets - before).toBeGreaterThanOrEqual(200 - 2);
  });

  it('delivers a publisher’s audio that starts after a silence to a viewer who joined during it', async () => {
    // The shape of e2e/layout.spec.ts's speaker test (a microphone that starts off: tiny,
    // identical silence packets, then speech), which was suspected of failing on the threads.
    if (!addon) return;
    const pipeline = await k<KPipeline>((cb) => fx.client.create('MediaPipeline', cb));
    const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    const pub = await publish(pubEp);
    fx.defer(() => pub.pc.close());
    await waitConnected(pub.pc);
    const apt = pub.pc.getTransceivers().find((t) => t.kind === 'audio')?.codecs[0]?.payloadType;
    const mic = opus(pub.audio, apt ?? 111);
    const silence = Buffer.from([0xf8, 0xff, 0xfe]);
    const quiet = setInterval(() => mic(silence), 20);
    fx.defer(() => clearInterval(quiet));
    const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    await k((cb) => pubEp.connect(ep, cb));
    const v = await view(ep);
    fx.defer(() => v.pc.close());
    await waitConnected(v.pc);
    await v.waitFor('audio', 50);
    clearInterval(quiet);
    const speech: Buffer[] = [];
    const talk = setInterval(() => {
      const p = randomBytes(120);
      speech.push(p);
      mic(p);
    }, 20);
    fx.defer(() => clearInterval(talk));
    await expect
      .poll(() => v.received.audio.filter((p) => p.payload.length === 120).length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(100);
    clearInterval(talk);
    // What arrived decrypted (werift checks every tag) to exactly what was spoken, in order.
    const heard = v.received.audio.filter((p) => p.payload.length === 120).map((p) => p.payload);
    const spoken = new Map(speech.map((b, i) => [b.toString('hex'), i]));
    const at = heard.map((b) => spoken.get(b.toString('hex')) ?? -1);
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

/** Writes Opus-like packets (20 ms each) to a publisher's audio track. */
function opus(track: MediaStreamTrack, payloadType: number): (payload: Buffer) => void {
  let seq = 1000;
  let ts = 5000;
  return (payload) => {
    const header = new RtpHeader({ payloadType, sequenceNumber: seq, timestamp: ts, ssrc: 4321 });
    track.writeRtp(new RtpPacket(header, payload));
    seq = (seq + 1) & 0xffff;
    ts = (ts + 960) >>> 0;
  };
}
