import { spawnSync } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtcpRrPacket,
  RtcpReceiverInfo,
  SrtcpSession,
  SrtpAuthenticationError,
} from 'werift';
import type { NativeAddon } from './native';
import { loadNative } from './native';
import type { SrtcpKeys } from './Srtcp';
import { installSrtcp, SrtcpReader, SrtcpWriter } from './Srtcp';

/**
 * Our SRTCP must be werift's, byte for byte (the remote decrypts it with its own stack, and
 * werift is the reference we replace): JS and native, both profiles, the per-SSRC index and its
 * wrap, packets werift encrypted before ours took over, E = 0 packets, forgeries.
 */
const root = path.resolve(import.meta.dirname, '../..');
let addon: NativeAddon | null = null;

beforeAll(() => {
  // As native.test.ts: built here when a compiler exists (fast when up to date).
  spawnSync(process.execPath, [path.join(root, 'native', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  addon = loadNative();
}, 120_000);

type Keys = ConstructorParameters<typeof SrtcpSession>[0]['keys'];

function keysFor(profile: number): { a: Keys; b: Keys } {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const x = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const y = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const keys = (l: typeof x, r: typeof x) => ({
    localMasterKey: l.key,
    localMasterSalt: l.salt,
    remoteMasterKey: r.key,
    remoteMasterSalt: r.salt,
  });
  return { a: keys(x, y), b: keys(y, x) };
}

const local = (s: SrtcpSession): SrtcpKeys =>
  (s as unknown as { localContext: SrtcpKeys }).localContext;
const remote = (s: SrtcpSession): SrtcpKeys =>
  (s as unknown as { remoteContext: SrtcpKeys }).remoteContext;

/** A compound RTCP packet of some length whose first SSRC is `ssrc`. */
function rtcp(ssrc: number, reports: number): Buffer {
  const infos = Array.from(
    { length: reports },
    (_, i) =>
      new RtcpReceiverInfo({
        ssrc: 1000 + i,
        fractionLost: i,
        packetsLost: 3 * i,
        highestSequence: 70000 + i,
        jitter: i * 7,
        lsr: 0x12345678,
        dlsr: 0x1000 + i,
      }),
  );
  return new RtcpRrPacket({ ssrc, reports: infos }).serialize();
}

const PROFILES = [
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
] as const;

const paths = (): [string, NativeAddon | null][] => [
  ['JS', null],
  ...(addon ? [['native', addon] as [string, NativeAddon]] : []),
];

describe('SRTCP', () => {
  for (const [name, profile] of PROFILES) {
    it(`${name}: protect is byte-identical to werift's, several SSRCs, every length`, () => {
      for (const [, impl] of paths()) {
        const { a } = keysFor(profile);
        const theirs = new SrtcpSession({ profile, keys: a });
        const writer = new SrtcpWriter(local(new SrtcpSession({ profile, keys: a })), impl);
        for (let i = 0; i < 40; i++) {
          const p = rtcp(i % 3 === 0 ? 0xdeadbeef : 0x01020304, i % 6);
          expect(writer.encrypt(p).toString('hex')).toBe(theirs.encrypt(p).toString('hex'));
        }
      }
    });

    it(`${name}: the index continues werift's and wraps past 2^31 − 1 as werift's does`, () => {
      for (const [, impl] of paths()) {
        const { a } = keysFor(profile);
        const theirs = new SrtcpSession({ profile, keys: a });
        const mine = new SrtcpSession({ profile, keys: a });
        const p = rtcp(0x55, 1);
        // werift protected two packets before the writer takes over; then near the top.
        theirs.encrypt(p);
        theirs.encrypt(p);
        mine.encrypt(p);
        mine.encrypt(p);
        const writer = new SrtcpWriter(local(mine), impl);
        expect(writer.encrypt(p).equals(theirs.encrypt(p))).toBe(true);
        const near = new SrtcpSession({ profile, keys: a });
        const nearMine = new SrtcpSession({ profile, keys: a });
        local(near).srtcpSSRCStates = { [0x55]: { srtcpIndex: 0x7ffffffd } };
        local(nearMine).srtcpSSRCStates = { [0x55]: { srtcpIndex: 0x7ffffffd } };
        const w = new SrtcpWriter(local(nearMine), impl);
        const indexes: number[] = [];
        for (let i = 0; i < 4; i++) {
          const ours = w.encrypt(p);
          expect(ours.equals(near.encrypt(p))).toBe(true);
          const at = profile === ProtectionProfileAeadAes128Gcm ? ours.length - 4 : p.length;
          indexes.push(ours.readUInt32BE(at));
        }
        // E bit set on every packet; the index goes 2^31 − 2, 2^31 − 1, 0, 1.
        expect(indexes).toEqual([0xfffffffe, 0xffffffff, 0x80000000, 0x80000001]);
      }
    });

    it(`${name}: unprotect equals werift's decryption of werift's packets, in place`, () => {
      for (const [, impl] of paths()) {
        const { a, b } = keysFor(profile);
        const tx = new SrtcpSession({ profile, keys: a });
        const rx = new SrtcpSession({ profile, keys: b });
        const reader = new SrtcpReader(remote(new SrtcpSession({ profile, keys: b })), impl);
        for (let i = 0; i < 30; i++) {
          const plain = rtcp(0x10 + (i % 2), i % 5);
          const packet = tx.encrypt(plain);
          const expected = rx.decrypt(Buffer.from(packet));
          const shift = i % 4;
          const copy = Buffer.alloc(packet.length + shift).subarray(shift);
          packet.copy(copy);
          const got = reader.decrypt(copy);
          expect(got.equals(expected)).toBe(true);
          expect(got.equals(plain)).toBe(true);
          expect(RtcpPacketConverter.deSerialize(got)[0]?.type).toBe(RtcpRrPacket.type);
        }
      }
    });

    it(`${name}: an unencrypted (E = 0) packet is authenticated and returned as it is`, () => {
      for (const [, impl] of paths()) {
        const { a, b } = keysFor(profile);
        const tx = new SrtcpSession({ profile, keys: a });
        const rx = new SrtcpSession({ profile, keys: b });
        const plain = rtcp(0x77, 2);
        const packet = unencrypted(local(tx), plain, 9);
        const expected = rx.decrypt(Buffer.from(packet));
        expect(expected.equals(plain)).toBe(true);
        const reader = new SrtcpReader(remote(rx), impl);
        expect(reader.decrypt(Buffer.from(packet)).equals(plain)).toBe(true);
      }
    });

    it(`${name}: a forged or short packet throws werift's SrtpAuthenticationError`, () => {
      for (const [, impl] of paths()) {
        const { a, b } = keysFor(profile);
        const tx = new SrtcpSession({ profile, keys: a });
        const rx = new SrtcpSession({ profile, keys: b });
        const reader = new SrtcpReader(remote(rx), impl);
        const good = tx.encrypt(rtcp(0x99, 3));
        for (const at of [1, 5, 12, good.length - 6, good.length - 1]) {
          const bad = Buffer.from(good);
          bad[at] = (bad[at] ?? 0) ^ 0x10;
          expect(() => rx.decrypt(Buffer.from(bad))).toThrow(SrtpAuthenticationError);
          expect(() => reader.decrypt(bad)).toThrow(SrtpAuthenticationError);
        }
        for (const n of [0, 8, 21, 27]) {
          expect(() => reader.decrypt(Buffer.from(good.subarray(0, n)))).toThrow(
            SrtpAuthenticationError,
          );
        }
        expect(reader.decrypt(Buffer.from(good)).equals(rx.decrypt(Buffer.from(good)))).toBe(true);
      }
    });

    it(`${name}: installSrtcp swaps werift's session for ours, which a werift peer reads`, () => {
      const { a, b } = keysFor(profile);
      const session = new SrtcpSession({ profile, keys: a });
      const peer = new SrtcpSession({ profile, keys: b });
      const reference = new SrtcpSession({ profile, keys: a });
      expect(Object.hasOwn(session, 'encrypt')).toBe(false); // werift's prototype method
      installSrtcp({ srtcp: session });
      installSrtcp({ srtcp: session }); // idempotent: one writer, one index sequence
      expect(Object.hasOwn(session, 'encrypt')).toBe(true);
      for (let i = 0; i < 5; i++) {
        const p = rtcp(0x42, i);
        const ours = session.encrypt(p);
        expect(ours.equals(reference.encrypt(p))).toBe(true);
        expect(peer.decrypt(Buffer.from(ours)).equals(p)).toBe(true);
        expect(session.decrypt(peer.encrypt(p)).equals(p)).toBe(true);
      }
    });
  }
});

/** An SRTCP packet with E = 0 (RFC 3711 §3.4: authenticated, not encrypted), made by hand. */
function unencrypted(keys: SrtcpKeys, plain: Buffer, index: number): Buffer {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(index, 0);
  if (keys.profile === ProtectionProfileAes128CmHmacSha1_80) {
    const body = Buffer.concat([plain, word]);
    const tag = createHmac('sha1', keys.srtcpSessionAuthTag).update(body).digest().subarray(0, 10);
    return Buffer.concat([body, tag]);
  }
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(plain.readUInt32BE(4), 2);
  iv.writeUInt32BE(index, 8);
  for (let i = 0; i < 12; i++) iv[i] = (iv[i] ?? 0) ^ (keys.srtcpSessionSalt[i] ?? 0);
  const c = createCipheriv('aes-128-gcm', keys.srtcpSessionKey, iv);
  c.setAAD(Buffer.concat([plain, word]));
  c.final();
  return Buffer.concat([plain, c.getAuthTag(), word]);
}
