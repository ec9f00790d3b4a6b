import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpAuthenticationError,
  SrtpSession,
} from 'werift';
import type { NativeAddon } from './native';
import { loadNative } from './native';
import { SrtpReader } from './SrtpReader';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';
import { UdpRoute } from './UdpRoute';

const root = path.resolve(import.meta.dirname, '../..');
const hasCompiler = ['cc', 'make', 'python3'].every(
  (c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status === 0,
);
let addon: NativeAddon | null = null;

beforeAll(() => {
  // Built here when missing (fast when up to date), as npm test does: no compiler, no addon.
  spawnSync(process.execPath, [path.join(root, 'native', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  addon = loadNative();
}, 120_000);

function pair(profile: number): { tx: SrtpSession; rx: SrtpSession } {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const a = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const keys = (x: typeof a, y: typeof a) => ({
    localMasterKey: x.key,
    localMasterSalt: x.salt,
    remoteMasterKey: y.key,
    remoteMasterSalt: y.salt,
  });
  return {
    tx: new SrtpSession({ profile, keys: keys(a, b) }),
    rx: new SrtpSession({ profile, keys: keys(b, a) }),
  };
}

const ctx = (s: SrtpSession, side: 'localContext' | 'remoteContext'): SrtpKeys =>
  (s as unknown as Record<typeof side, SrtpKeys>)[side];

function need(): NativeAddon {
  if (!addon) throw new Error('native addon not loaded');
  return addon;
}

const PROFILES = [
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
] as const;

describe('native addon', () => {
  it('is built and loaded wherever a compiler exists', () => {
    if (!hasCompiler) {
      console.warn('native.test: no C compiler here; the addon paths below are skipped');
      return;
    }
    expect(addon).not.toBeNull();
  });

  for (const [name, profile] of PROFILES) {
    it(`${name}: protect is byte-identical to werift and to the JS path, every alignment, across a wrap`, () => {
      if (!addon) return;
      const { tx } = pair(profile);
      const js = new SrtpWriter(ctx(tx, 'localContext'), null);
      const nat = new SrtpWriter(ctx(tx, 'localContext'), need());
      // Two wraps: the rollover counter goes 0 → 1 → 2 inside the packets compared (steps of 1
      // near a wrap, as werift's rollover estimate needs, long strides elsewhere).
      let seq = 0xff00;
      let wraps = 0;
      for (let i = 0; wraps < 2 || seq < 0x100; i++) {
        const shift = i % 4;
        const payload = randomBytes(shift + ((i * 97) % 1300)).subarray(shift);
        const marker = i % 3 === 0;
        const pt = 96 + (i % 10);
        const ts = (1000 * i) >>> 0;
        const header = new RtpHeader({
          payloadType: pt,
          sequenceNumber: seq,
          timestamp: ts,
          ssrc: 0x9abcdef0,
          marker,
        });
        const theirs = tx.encrypt(payload, header);
        const ours = nat.encrypt(pt, marker, seq, ts, 0x9abcdef0, payload);
        expect(ours.equals(theirs)).toBe(true);
        expect(js.encrypt(pt, marker, seq, ts, 0x9abcdef0, payload).equals(theirs)).toBe(true);
        const next = (seq + (seq >= 0xfd00 || seq < 0x100 ? 1 : 0x1ff)) & 0xffff;
        if (next < seq) wraps++;
        seq = next;
      }
    });

    it(`${name}: unprotect is byte-identical to werift (wrap, CSRCs, extensions, padding)`, () => {
      if (!addon) return;
      const { tx, rx } = pair(profile);
      const reader = new SrtpReader(ctx(rx, 'remoteContext'), need());
      let seq = 0xffc0;
      for (let i = 0; i < 130; i++) {
        const shift = i % 4;
        const payload = randomBytes(shift + 4 + ((i * 97) % 1100)).subarray(shift);
        const padded = i % 11 === 0;
        if (padded) payload.set([0, 0, 0, 4], payload.length - 4);
        const header = new RtpHeader({
          payloadType: 111,
          sequenceNumber: seq,
          timestamp: 960 * i,
          ssrc: i % 5 === 0 ? 0x0badcafe : 0x12345678,
          marker: i % 3 === 0,
          csrc: i % 7 === 0 ? [1, 2] : [],
          extension: i % 2 === 0,
          extensionProfile: 0xbede,
          extensions: i % 2 === 0 ? [{ id: 1, payload: Buffer.from([i & 0xff, 2, 3]) }] : [],
          padding: padded,
        });
        const packet = tx.encrypt(payload, header);
        const expected = rx.decrypt(Buffer.from(packet));
        // In place, at any alignment of the datagram's buffer.
        const copy = Buffer.alloc(packet.length + shift).subarray(shift);
        packet.copy(copy);
        expect(reader.decrypt(copy).equals(expected)).toBe(true);
        seq = (seq + 1) & 0xffff;
      }
    });

    it(`${name}: a tampered or short packet throws werift's SrtpAuthenticationError`, () => {
      if (!addon) return;
      const { tx, rx } = pair(profile);
      const reader = new SrtpReader(ctx(rx, 'remoteContext'), need());
      const good = tx.encrypt(
        randomBytes(300),
        new RtpHeader({ payloadType: 96, sequenceNumber: 9, timestamp: 9, ssrc: 5 }),
      );
      for (const at of [3, 20, good.length - 1]) {
        const bad = Buffer.from(good);
        bad[at] = (bad[at] ?? 0) ^ 1;
        expect(() => reader.decrypt(bad)).toThrow(SrtpAuthenticationError);
      }
      expect(() => reader.decrypt(Buffer.from(good.subarray(0, 8)))).toThrow(
        SrtpAuthenticationError,
      );
      expect(() => reader.decrypt(Buffer.from(good.subarray(0, 20)))).toThrow(
        SrtpAuthenticationError,
      );
      const expected = rx.decrypt(Buffer.from(good));
      expect(reader.decrypt(Buffer.from(good)).equals(expected)).toBe(true);
    });
  }

  describe('send on a connected UDP socket', () => {
    const sockets: dgram.Socket[] = [];
    afterAll(() => {
      for (const s of sockets) {
        try {
          s.close();
        } catch {
          // closed by the test
        }
      }
    });
    const bound = async (): Promise<dgram.Socket> => {
      const s = dgram.createSocket('udp4');
      sockets.push(s);
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
      return s;
    };

    it('delivers exactly the bytes protect makes', async () => {
      if (!addon) return;
      const from = await bound();
      const to = await bound();
      const got: Buffer[] = [];
      to.on('message', (m) => got.push(m));
      const route = UdpRoute.for(
        { socket: from, send: () => Promise.resolve() },
        '127.0.0.1',
        to.address().port,
      );
      await new Promise<void>((r) => setTimeout(r, 20));
      expect(route.fd).toBeGreaterThan(0);
      const { tx } = pair(ProtectionProfileAes128CmHmacSha1_80);
      // The synchronous send (MEDIA_WORKERS=0); the forwarding threads: fanOut.test.ts.
      const writer = new SrtpWriter(ctx(tx, 'localContext'), need(), null);
      const check = new SrtpWriter(ctx(tx, 'localContext'), need(), null);
      const expected: Buffer[] = [];
      for (let i = 0; i < 20; i++) {
        const payload = randomBytes(100 + i * 50);
        const sent = writer.send(route.fd, 100, i === 19, 40 + i, 3000 * i, 77, payload);
        const e = check.encrypt(100, i === 19, 40 + i, 3000 * i, 77, payload);
        expect(sent).toBe(e.length);
        expected.push(e);
      }
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(20);
      expect(got.map((b) => b.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
      from.close();
      expect(route.fd).toBe(-1);
    });
  });
});
