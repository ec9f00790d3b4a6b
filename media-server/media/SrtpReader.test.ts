import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpAuthenticationError,
  SrtpSession,
} from 'werift';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpReader, installSrtpReader } from './SrtpReader';

/** A sender session and the receiving session of the other end (keys swapped), as werift pairs them. */
function sessions(profile: number): { tx: SrtpSession; rx: SrtpSession } {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const a = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const tx = new SrtpSession({
    profile,
    keys: {
      localMasterKey: a.key,
      localMasterSalt: a.salt,
      remoteMasterKey: b.key,
      remoteMasterSalt: b.salt,
    },
  });
  const rx = new SrtpSession({
    profile,
    keys: {
      localMasterKey: b.key,
      localMasterSalt: b.salt,
      remoteMasterKey: a.key,
      remoteMasterSalt: a.salt,
    },
  });
  return { tx, rx };
}

function remoteKeys(s: SrtpSession): SrtpKeys {
  return (s as unknown as { remoteContext: SrtpKeys }).remoteContext;
}

/**
 * SrtpReader's JS path must hand werift's receive path exactly what werift's own decryption would
 * (the native path: native.test.ts).
 */
describe('SrtpReader (JS)', () => {
  it("decrypts byte-identically to werift's AES-CM, across a wrap, CSRCs, extensions, padding", () => {
    const { tx, rx } = sessions(ProtectionProfileAes128CmHmacSha1_80);
    const reader = new SrtpReader(remoteKeys(rx), null);
    let seq = 0xffc0;
    for (let i = 0; i < 130; i++) {
      const shift = i % 4;
      const payload = randomBytes(shift + 4 + ((i * 97) % 1100)).subarray(shift);
      const padded = i % 11 === 0;
      // RTP padding: the payload's last byte counts the padding bytes (here 4).
      if (padded) payload.set([0, 0, 0, 4], payload.length - 4);
      const header = new RtpHeader({
        payloadType: 96,
        sequenceNumber: seq,
        timestamp: 1000 * i,
        ssrc: i % 5 === 0 ? 0x0badcafe : 0x12345678,
        marker: i % 3 === 0,
        csrc: i % 7 === 0 ? [1, 2] : [],
        extension: i % 2 === 0,
        extensionProfile: 0xbede,
        extensions: i % 2 === 0 ? [{ id: 1, payload: Buffer.from([i & 0xff, 2, 3]) }] : [],
        padding: padded,
      });
      const packet = tx.encrypt(payload, header);
      const expected = rx.decrypt(packet);
      expect(reader.decrypt(packet).equals(expected)).toBe(true);
      seq = (seq + 1) & 0xffff;
    }
  });

  it("decrypts in place: werift gets a view of the datagram, not of Node's shared pool", () => {
    // A payload a sink keeps for NACKs (SendHistory, ~1 s) held, as a pool slice, the 8 KB slab
    // that also held every subscriber's outgoing packets: all of it was promoted and freed only
    // by a full GC (bench/RESULTS.md, issue 15, session 11, fallback).
    const { tx, rx } = sessions(ProtectionProfileAes128CmHmacSha1_80);
    const reader = new SrtpReader(remoteKeys(rx), null);
    const sent = tx.encrypt(
      randomBytes(1100),
      new RtpHeader({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 7 }),
    );
    // A received datagram has its own ArrayBuffer, as dgram hands it over.
    const datagram = Buffer.allocUnsafeSlow(sent.length);
    sent.copy(datagram);
    const expected = rx.decrypt(Buffer.from(datagram));
    const out = reader.decrypt(datagram);
    expect(out.equals(expected)).toBe(true);
    expect(out.buffer).toBe(datagram.buffer);
    expect(out.byteOffset).toBe(datagram.byteOffset);
  });

  it('refuses a tampered packet with SrtpAuthenticationError, and keeps its state', () => {
    const { tx, rx } = sessions(ProtectionProfileAes128CmHmacSha1_80);
    const reader = new SrtpReader(remoteKeys(rx), null);
    const header = (n: number) =>
      new RtpHeader({ payloadType: 96, sequenceNumber: n, timestamp: n, ssrc: 7 });
    const good = tx.encrypt(randomBytes(200), header(1));
    const bad = Buffer.from(good);
    bad[20] = (bad[20] ?? 0) ^ 1;
    expect(() => reader.decrypt(bad)).toThrow(SrtpAuthenticationError);
    expect(() => reader.decrypt(good.subarray(0, 8))).toThrow(SrtpAuthenticationError);
    // Ours decrypts in place: werift's answer first, from the untouched datagram.
    const expected = rx.decrypt(good);
    expect(reader.decrypt(good).equals(expected)).toBe(true);
  });

  it('takes over the rollover werift counted before it was installed', () => {
    const { tx, rx } = sessions(ProtectionProfileAes128CmHmacSha1_80);
    const packet = (n: number) =>
      tx.encrypt(
        randomBytes(100),
        new RtpHeader({ payloadType: 96, sequenceNumber: n & 0xffff, timestamp: n, ssrc: 3 }),
      );
    for (let n = 0xfff0; n < 0x10005; n++) rx.decrypt(packet(n)); // werift saw the wrap
    const reader = new SrtpReader(remoteKeys(rx), null);
    const next = packet(0x10005);
    const expected = rx.decrypt(next);
    expect(reader.decrypt(next).equals(expected)).toBe(true);
  });

  it("replaces an AES-CM session's decrypt, and leaves GCM to werift without the addon", () => {
    const cm = sessions(ProtectionProfileAes128CmHmacSha1_80);
    const original = cm.rx.decrypt;
    installSrtpReader({ srtp: cm.rx }, null);
    expect(cm.rx.decrypt).not.toBe(original);
    const packet = cm.tx.encrypt(
      randomBytes(1000),
      new RtpHeader({ payloadType: 96, sequenceNumber: 5, timestamp: 5, ssrc: 9 }),
    );
    const expected = original(packet);
    expect(cm.rx.decrypt(packet).equals(expected)).toBe(true);
    const gcm = sessions(ProtectionProfileAeadAes128Gcm);
    const gcmDecrypt = gcm.rx.decrypt;
    installSrtpReader({ srtp: gcm.rx }, null);
    expect(gcm.rx.decrypt).toBe(gcmDecrypt);
  });
});
