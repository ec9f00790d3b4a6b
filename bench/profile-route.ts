/**
 * CPU per packet of the receive routing alone (issue 15, session 12): from a decrypted datagram
 * to the endpoint's handler, by werift's chain (RtpPacket parse, the transport's `onRtp` event,
 * the router's receiver lookup, `handleRTP` with statistics and NACK tracking, the track's event,
 * the Peer's listener) and by the short route (media-server/media/shortRoute.ts), in one process
 * on the same packets: what the route takes off each packet, without the machine's noise of a
 * whole room (decryption, the sends and the kernel are the same on both and left out).
 *
 *   flock /tmp/moim-bench.lock npx tsx bench/profile-route.ts --packets 200000 --rounds 5
 */
import { parseArgs } from 'node:util';
import { Event, RTCRtpReceiver, RtpHeader, RtpPacket } from 'werift';

import { installFastReceive, leanEvent } from '../media-server/media/fastReceive';
import { installFastRtpHeaderParse } from '../media-server/media/fastRtpHeader';
import { NackGenerator } from '../media-server/media/NackGenerator';
import { RtpView, ShortRoutes } from '../media-server/media/shortRoute';

const { values } = parseArgs({
  options: {
    packets: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
  },
});

const SSRC = 42;
const SDES_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/** One connection's receive side wired as media/peer.ts wires it; `sink` gets every packet. */
function connection(short: boolean, sink: (v: RtpView) => void) {
  const receiver = new RTCRtpReceiver({ debug: {} } as never, 'video', 1234);
  const r = receiver as unknown as { codecs: Record<number, unknown>; nack: unknown };
  r.codecs[96] = {
    name: 'VP8',
    mimeType: 'video/VP8',
    clockRate: 90000,
    payloadType: 96,
    rtcpFeedback: [{ type: 'nack' }],
  };
  r.nack = new NackGenerator(receiver);
  (receiver as unknown as { runRtcp(): Promise<void> }).runRtcp = () => Promise.resolve();
  const track = receiver.track;
  track.ssrc = SSRC;
  receiver.addTrack(track);
  const router = { ssrcTable: { [SSRC]: receiver }, ridTable: {}, extIdUriMap: { 1: SDES_MID } };
  const onRtp = new Event<[RtpPacket]>();
  leanEvent(onRtp);
  onRtp.subscribe((p) => receiver.handleRtpBySsrc(p, {}));
  const routes = short ? new ShortRoutes(router, (_kind, v) => sink(v)) : undefined;
  routes?.attach({ onRtp });
  const view = new RtpView();
  leanEvent(track.onReceiveRtp);
  track.onReceiveRtp.subscribe((p) => {
    sink(view.of(p));
    routes?.learn(p, 'video', track);
  });
  return (buf: Buffer, length: number): void => {
    if (routes?.take(buf, length)) return;
    onRtp.execute(RtpPacket.deSerialize(buf.subarray(0, length)));
  };
}

/** What a Chromium or werift publisher sends: the mid extension, a 1,100-byte VP8 payload. */
function datagrams(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const h = new RtpHeader({
      payloadType: 96,
      sequenceNumber: i & 0xffff,
      timestamp: Math.floor(i / 8) * 3000,
      marker: i % 8 === 7,
      ssrc: SSRC,
      extension: true,
      extensions: [{ id: 1, payload: Buffer.from('1') }],
    });
    // ‖ a stale 10-byte SRTP tag: the datagram after an in-place decryption
    out.push(
      Buffer.concat([new RtpPacket(h, Buffer.alloc(1100, i & 0xff)).serialize(), Buffer.alloc(10)]),
    );
  }
  return out;
}

function run(short: boolean, packets: Buffer[]): number {
  let sum = 0;
  const receive = connection(short, (v) => {
    sum += v.seq + v.payload.length; // read what a sink reads
  });
  const start = process.cpuUsage();
  for (const p of packets) receive(p, p.length - 10);
  const used = process.cpuUsage(start);
  if (sum === 0) throw new Error('nothing received');
  return (used.user + used.system) / packets.length;
}

installFastRtpHeaderParse();
installFastReceive();
const n = Number(values.packets);
const rounds = Number(values.rounds);
// Distinct packets so the caches see a stream, not one packet again and again; reused rounds.
const packets = datagrams(Math.min(n, 65536));
const all = Array.from({ length: n }, (_, i) => packets[i % packets.length] as Buffer);
run(false, all.slice(0, 20000)); // warm both paths up (JIT)
run(true, all.slice(0, 20000));
const results: Record<'werift' | 'short', number[]> = { werift: [], short: [] };
for (let i = 0; i < rounds; i++) {
  results.werift.push(run(false, all));
  results.short.push(run(true, all));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
for (const [k, v] of Object.entries(results)) {
  console.log(
    `${k}: median ${median(v).toFixed(3)} µs/packet (${v.map((x) => x.toFixed(3)).join(', ')})`,
  );
}
console.log(`saved per packet: ${(median(results.werift) - median(results.short)).toFixed(3)} µs`);
