/**
 * Per-packet SRTP encryption cost: werift's SrtpSession.encrypt vs SrtpWriter, both profiles.
 *   npx tsx media-server/perf/srtp.ts
 */
import { randomBytes } from 'node:crypto';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpSession,
} from 'werift';
import type { SrtpKeys } from '../media/SrtpWriter';
import { SrtpWriter } from '../media/SrtpWriter';

const N = 100_000;
const payload = randomBytes(1000);

function time(label: string, fn: (i: number) => void): void {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const c = process.cpuUsage(c0);
  process.stdout.write(`${label.padEnd(40)} ${((c.user + c.system) / N).toFixed(2)} µs/packet\n`);
}

for (const [name, profile] of [
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
] as const) {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const keys = {
    localMasterKey: randomBytes(16),
    localMasterSalt: randomBytes(saltLen),
    remoteMasterKey: randomBytes(16),
    remoteMasterSalt: randomBytes(saltLen),
  };
  const session = new SrtpSession({ keys, profile });
  const writer = new SrtpWriter((session as unknown as { localContext: SrtpKeys }).localContext);
  time(`werift SrtpSession.encrypt ${name}`, (i) =>
    session.encrypt(
      payload,
      new RtpHeader({ payloadType: 96, sequenceNumber: i & 0xffff, timestamp: i, ssrc: 1 }),
    ),
  );
  time(`SrtpWriter.encrypt ${name}`, (i) => writer.encrypt(96, false, i & 0xffff, i, 1, payload));
}
