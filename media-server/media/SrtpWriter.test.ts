import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpSession,
} from 'werift';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';

/**
 * SrtpWriter's JS path must produce byte-identical SRTP to werift's (which the remote will decrypt
 * with); the native path: native.test.ts.
 */
describe('SrtpWriter (JS)', () => {
  for (const [name, profile] of [
    ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
    ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
  ] as const) {
    it(`matches werift's ${name} output, across a sequence-number wrap`, () => {
      const keyLen = 16;
      const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
      const keys = {
        localMasterKey: randomBytes(keyLen),
        localMasterSalt: randomBytes(saltLen),
        remoteMasterKey: randomBytes(keyLen),
        remoteMasterSalt: randomBytes(saltLen),
      };
      const session = new SrtpSession({ keys, profile });
      const ctx = (session as unknown as { localContext: SrtpKeys }).localContext;
      const writer = new SrtpWriter(ctx, null);
      let seq = 0xfff0;
      for (let i = 0; i < 40; i++) {
        // Payloads at every alignment (the word-wise XOR path and the byte-wise one).
        const shift = i % 4;
        const payload = Buffer.alloc(shift + 1 + ((i * 97) % 1100));
        randomBytes(payload.length).copy(payload);
        const view = payload.subarray(shift);
        const header = new RtpHeader({
          payloadType: 96,
          sequenceNumber: seq,
          timestamp: 1000 * i,
          ssrc: 0x12345678,
          marker: i % 3 === 0,
        });
        const theirs = session.encrypt(view, header);
        const ours = writer.encrypt(96, i % 3 === 0, seq, 1000 * i, 0x12345678, view);
        expect(ours.equals(theirs)).toBe(true);
        seq = (seq + 1) & 0xffff;
      }
    });
  }
});
