/**
 * Per-packet SRTP cost, both profiles: werift's SrtpSession, SrtpWriter/SrtpReader on the JS path
 * and on the native addon (when built: node native/build.mjs), and the whole send of one packet
 * on a connected loopback UDP socket (JS: encrypt + dgram send; native: one `send` call).
 *   npx tsx media-server/perf/srtp.ts
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpSession,
} from 'werift';
import { native } from '../media/native';
import { SrtpReader } from '../media/SrtpReader';
import type { SrtpKeys } from '../media/SrtpWriter';
import { SrtpWriter } from '../media/SrtpWriter';

const N = 50_000;
const payload = randomBytes(1000);

function time(label: string, fn: (i: number) => void): void {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const c = process.cpuUsage(c0);
  process.stdout.write(`${label.padEnd(52)} ${((c.user + c.system) / N).toFixed(2)} µs/packet\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`native addon: ${native ? 'loaded' : 'not built'}\n`);
  const sink = dgram.createSocket('udp4');
  const from = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => from.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => from.connect(sink.address().port, '127.0.0.1', r));
  const fd = (from as unknown as { _handle?: { fd: number } })._handle?.fd ?? -1;
  for (const [name, profile] of [
    ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
    ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
  ] as const) {
    const a = { key: randomBytes(16), salt: randomBytes(14) };
    const b = { key: randomBytes(16), salt: randomBytes(14) };
    const keys = (x: typeof a, y: typeof a) => ({
      localMasterKey: x.key,
      localMasterSalt: x.salt,
      remoteMasterKey: y.key,
      remoteMasterSalt: y.salt,
    });
    const tx = new SrtpSession({ keys: keys(a, b), profile });
    const rx = new SrtpSession({ keys: keys(b, a), profile });
    const local = (tx as unknown as { localContext: SrtpKeys }).localContext;
    const remote = (rx as unknown as { remoteContext: SrtpKeys }).remoteContext;
    const header = (i: number) =>
      new RtpHeader({ payloadType: 96, sequenceNumber: i & 0xffff, timestamp: i, ssrc: 1 });
    time(`werift encrypt ${name}`, (i) => tx.encrypt(payload, header(i)));
    const js = new SrtpWriter(local, null);
    time(`JS SrtpWriter.encrypt ${name}`, (i) => js.encrypt(96, false, i & 0xffff, i, 1, payload));
    time(`JS encrypt + dgram send ${name}`, (i) =>
      from.send(js.encrypt(96, false, i & 0xffff, i, 1, payload)),
    );
    // A fresh sender (the one above has rolled over) and sequence numbers that never look like a
    // wrap to werift's rollover estimate, however often they repeat.
    const tx2 = new SrtpSession({ keys: keys(a, b), profile });
    const packets = Array.from({ length: 64 }, (_, i) => tx2.encrypt(payload, header(1000 + i)));
    time(`werift decrypt ${name}`, (i) => rx.decrypt(packets[i & 63] ?? Buffer.alloc(0)));
    if (SrtpReader.supports(remote, null)) {
      const reader = new SrtpReader(remote, null);
      time(`JS SrtpReader.decrypt ${name}`, (i) =>
        reader.decrypt(packets[i & 63] ?? Buffer.alloc(0)),
      );
    }
    if (native) {
      const nat = new SrtpWriter(local, native);
      time(`native encrypt ${name}`, (i) => nat.encrypt(96, false, i & 0xffff, i, 1, payload));
      time(`native send (protect + send) ${name}`, (i) =>
        nat.send(fd, 96, false, i & 0xffff, i, 1, payload),
      );
      const reader = new SrtpReader(remote, native);
      // In place: decrypt fresh copies (the copy is timed too, ≈ 0.1 µs).
      time(`native decrypt (in place) ${name}`, (i) =>
        reader.decrypt(Buffer.from(packets[i & 63] ?? Buffer.alloc(0))),
      );
    }
  }
  from.close();
  sink.close();
}

void main();
