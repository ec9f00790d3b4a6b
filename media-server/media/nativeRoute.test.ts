import { randomBytes } from 'node:crypto';
import type dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpSession,
} from 'werift';
import { LoopbackSockets } from '../test/srtpPair';
import { rtpPayloadOffset } from './fastRtpHeader';
import type { NativeSrtpContext } from './native';
import { native } from './native';
import { nominatedReceiver, receiveAddonOf, receiveInAddon, socketFd } from './nativeReceive';
import { routeAddonOf } from './nativeRoute';
import { SrtpReader } from './SrtpReader';
import type { SrtpKeys } from './SrtpWriter';
import { SrtpWriter } from './SrtpWriter';

const recv = receiveAddonOf(native);
const route = routeAddonOf(native);

/** One direction's SRTP: the sender's session and its keys (what the receiver decrypts with). */
function sender(profile: number): { session: SrtpSession; keys: SrtpKeys } {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const session = new SrtpSession({
    profile,
    keys: {
      localMasterKey: randomBytes(16),
      localMasterSalt: randomBytes(saltLen),
      remoteMasterKey: randomBytes(16),
      remoteMasterSalt: randomBytes(saltLen),
    },
  });
  return { session, keys: (session as unknown as { localContext: SrtpKeys }).localContext };
}

const ctx = (k: SrtpKeys, encrypt: boolean): NativeSrtpContext => {
  if (!native) throw new Error('no addon');
  return native.create(
    k.profile,
    encrypt,
    k.srtpSessionKey,
    k.srtpSessionSalt,
    k.srtpSessionAuthTag,
  );
};

const SSRC = 0x1234abcd;
const PT = 96;

/** Publisher packet `i`: across a sequence wrap, with CSRCs, an extension or padding. */
function plain(i: number, pt = PT): { header: RtpHeader; payload: Buffer } {
  const header = new RtpHeader({
    payloadType: pt,
    sequenceNumber: (65500 + i) & 0xffff,
    timestamp: (4_294_960_000 + i * 3000) >>> 0,
    marker: i % 3 === 0,
    ssrc: SSRC,
  });
  if (i % 4 === 1) {
    header.extension = true;
    header.extensions = [{ id: 1, payload: Buffer.from('0') }];
  }
  if (i % 7 === 3) {
    header.csrcLength = 2;
    header.csrc = [0x11111111, 0x22222222];
  }
  const body = Buffer.alloc(100 + i, i & 0xff);
  if (i % 5 !== 2) return { header, payload: body };
  header.padding = true;
  return { header, payload: Buffer.concat([body, Buffer.from([0, 0, 3])]) };
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let n = 0; !ok(); n++) {
    if (n > 600) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** 0–139 with losses and reordering. */
const ORDER = Array.from({ length: 140 }, (_, i) => i)
  .filter((i) => i !== 30 && i !== 31)
  .map((i) => (i === 40 ? 41 : i === 41 ? 40 : i));

// Skipped only where the addon did not build (no compiler): the JS route is then the only one,
// and shortRoute.forwarding.test.ts covers it. npm test and CI build it (native/build.mjs).
describe.skipIf(!recv || !route)('the route in the addon (route.c)', () => {
  const sockets = new LoopbackSockets();
  // Closing a socket closes its receiver (nativeReceive.ts), and with it the routes.
  afterEach(() => sockets.closeAll());

  async function setUp() {
    const rx = await sockets.bound();
    const tx = await sockets.bound();
    const viewer = await sockets.bound();
    const out = await sockets.bound();
    await new Promise<void>((r) => out.connect(viewer.address().port, '127.0.0.1', r));
    const jsDatagrams: Buffer[] = [];
    // Node stops reading the socket; what the route does not take reaches its listeners.
    expect(receiveInAddon(rx, recv)).toBe(true);
    rx.on('message', (d: Buffer) => jsDatagrams.push(d));
    const receiver = nominatedReceiver({
      iceTransport: { connection: { nominated: { protocol: { transport: { socket: rx } } } } },
    });
    if (!receiver) throw new Error('no receiver');
    const reports: Buffer[] = [];
    route?.routeHandler(
      receiver,
      (r) => reports.push(r),
      () => undefined,
    );
    const wire: Buffer[] = [];
    viewer.on('message', (d: Buffer) => wire.push(d));
    return { rx, tx, out, receiver, jsDatagrams, reports, wire };
  }

  const send = (tx: dgram.Socket, rx: dgram.Socket, packets: Buffer[]): void => {
    for (const p of packets) tx.send(p, rx.address().port, '127.0.0.1');
  };

  for (const profile of [ProtectionProfileAes128CmHmacSha1_80, ProtectionProfileAeadAes128Gcm]) {
    it(`sends the bytes the JS route sends, profile ${profile}`, async () => {
      const pub = sender(profile);
      const sink = sender(profile);
      const s = await setUp();
      const seqOffset = 65472; // the output wraps at packet 100, the input at 36
      const tsOffset = 123456;
      const outSsrc = 0x0badf00d;
      const outPt = 100;
      route?.routeAdd(
        s.receiver,
        0,
        ctx(pub.keys, false),
        [SSRC, PT, 0, 0, 0],
        [ctx(sink.keys, true)],
        [socketFd(s.out), outSsrc, outPt, seqOffset, tsOffset, -1, 0],
      );
      // Made before the sender encrypts: it takes over werift's rollover states of the keys.
      const reader = new SrtpReader(pub.keys, native);
      const input = ORDER.map((i) => {
        const { header, payload } = plain(i);
        return Buffer.from(pub.session.encrypt(payload, header));
      });
      // The JS route: SrtpReader, RtpSink's rewrite, SrtpWriter in plain JS (GCM: the addon's
      // decrypt; the encrypt is Node's).
      const jsWriter = new SrtpWriter(sink.keys, null, null);
      const stateWriter = new SrtpWriter(sink.keys, native, null);
      const expected = input.map((p) => {
        const d = Buffer.from(p);
        const n = reader.decryptLength(d);
        const offset = rtpPayloadOffset(d, n);
        const padding = (d[0] as number) & 0x20 ? (d[n - 1] as number) : 0;
        const payload = d.subarray(offset, n - padding);
        const seq = (d.readUInt16BE(2) + seqOffset) & 0xffff;
        const ts = (d.readUInt32BE(4) + tsOffset) >>> 0;
        const marker = ((d[1] as number) & 0x80) !== 0;
        stateWriter.follow(seq);
        return jsWriter.encrypt(outPt, marker, seq, ts, outSsrc, payload).toString('hex');
      });
      send(s.tx, s.rx, input);
      await until(() => s.wire.length >= input.length, 'the wire');
      expect(s.wire.map((d) => d.toString('hex'))).toEqual(expected);
      expect(s.jsDatagrams).toEqual([]);
      // The reports: every packet once, in order, with its payload for the sink's history.
      const records = s.reports.flatMap((r) => {
        const count = r.readUInt32LE(0);
        const base = 16 + count * 28;
        return Array.from({ length: count }, (_, j) => {
          const o = 16 + j * 28;
          const at = base + r.readUInt32LE(o + 16);
          return [
            r.readUInt32LE(o + 4),
            r.subarray(at, at + r.readUInt32LE(o + 20)).toString('hex'),
          ];
        });
      });
      expect(records).toEqual(
        ORDER.map((i) => {
          const { header, payload } = plain(i);
          return [
            header.sequenceNumber,
            (header.padding ? payload.subarray(0, -3) : payload).toString('hex'),
          ];
        }),
      );
      // A packet of another payload type removes the route and goes to JS; the state is JS's.
      const other = plain(140, 111);
      send(s.tx, s.rx, [Buffer.from(pub.session.encrypt(other.payload, other.header))]);
      await until(() => s.jsDatagrams.length === 1, 'the JS datagram');
      expect(s.reports.at(-1)?.readInt32LE(12)).toBe(0);
      const st = route?.routeRemove(s.receiver, 0);
      const js = reader.hold(SSRC, () => undefined);
      const w = stateWriter.routeState();
      expect(st).toEqual([js?.roc, js?.lastSeq, js?.seen ? 1 : 0, w?.lastSeq, w?.roc]);
      expect(st?.[0]).toBe(1); // the input wrapped once
      expect(st?.[4]).toBe(1); // and the output once
      expect(route?.routeRemove(s.receiver, 0)).toBeNull();
    });
  }

  it('drops an unauthenticated packet of a routed source, as SrtpReader does', async () => {
    const pub = sender(ProtectionProfileAes128CmHmacSha1_80);
    const sink = sender(ProtectionProfileAes128CmHmacSha1_80);
    const s = await setUp();
    route?.routeAdd(
      s.receiver,
      1,
      ctx(pub.keys, false),
      [SSRC, PT, 0, 0, 0],
      [ctx(sink.keys, true)],
      [socketFd(s.out), 1, PT, 0, 0, -1, 0],
    );
    const good = Buffer.from(pub.session.encrypt(plain(0).payload, plain(0).header));
    const bad = Buffer.from(pub.session.encrypt(plain(1).payload, plain(1).header));
    bad.writeUInt8((bad.at(-1) ?? 0) ^ 1, bad.length - 1);
    send(s.tx, s.rx, [bad, good]);
    await until(() => s.wire.length === 1, 'the good packet');
    const words = s.reports.map((r) => [r.readUInt32LE(0), r.readUInt32LE(4)]);
    expect(
      words.reduce((a, [c, d]) => [(a[0] ?? 0) + (c ?? 0), (a[1] ?? 0) + (d ?? 0)], [0, 0]),
    ).toEqual([1, 2]);
    expect(s.jsDatagrams).toEqual([]);
    // The state is that of the good packet alone (the bad one did not count).
    expect(route?.routeRemove(s.receiver, 1)).toEqual([0, 65500, 1, 65500, 0]);
  });
});
