/**
 * The REMB a publisher gets follows what its viewers' links carry (issue 16): each viewer's
 * estimate comes from its own receiver reports and NACKs (media/LinkEstimator.ts), and the
 * publisher serves the median viewer (media/rembPolicy.ts). The viewers are werift peers whose
 * receive path drops every fifth RTP packet (retransmissions included) when told to; the REMB is
 * read where the publisher's werift stack parses it off the wire.
 */
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RtcpPacket } from 'werift';
import { RtcpPayloadSpecificFeedback } from 'werift';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KEndpoint } from './test/kurento';
import { k } from './test/kurento';
import { until, useMediaServer } from './test/env';
import type { Viewer } from './test/peers';
import { publish, pump, view, waitConnected } from './test/peers';

/** Drops every `every`-th RTP packet the peer receives, before SRTP (RTCP and DTLS pass). */
function dropRtp(pc: RTCPeerConnection, every: number): { dropped(): number } {
  const onData = pc.dtlsTransports[0]?.iceTransport.connection.onData;
  if (!onData) throw new Error('no transport to impair');
  const deliver = onData.execute;
  let seen = 0;
  let dropped = 0;
  onData.execute = (data: Buffer) => {
    // RTP: version 2 and a second byte outside RTCP's 192–223 (RFC 5761 multiplexing).
    const second = data[1] ?? 0;
    const rtp = data.length > 12 && (data[0] ?? 0) >> 6 === 2 && (second < 192 || second > 223);
    if (rtp && ++seen % every === 0) {
      dropped++;
      return;
    }
    deliver(data);
  };
  return { dropped: () => dropped };
}

/** REMB values (bps) in the order the peer's video sender received them. */
function rembsAt(pc: RTCPeerConnection): bigint[] {
  const out: bigint[] = [];
  const sender = pc.getTransceivers().find((t) => t.kind === 'video')?.sender;
  sender?.onRtcp.subscribe((p: RtcpPacket) => {
    if (p.type !== RtcpPayloadSpecificFeedback.type) return;
    const fb = p.feedback;
    if ('bitrate' in fb) out.push(fb.bitrate);
  });
  return out;
}

describe('REMB from what each viewer’s link carries', () => {
  const ctx = useMediaServer();
  const onServer = (ep: KEndpoint) => ctx.server.registry.lookup(ep.id) as WebRtcEndpoint;
  const estimate = (ep: KEndpoint) => onServer(ep).bandwidth.link?.targetBps ?? -1;

  it('one lossy viewer of three: its estimate falls, the REMB stays; two of three: it falls', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const pub = await publish(pubEp);
    ctx.cleanups.push(() => pub.pc.close());
    const rembs = rembsAt(pub.pc);
    const lossyEp = await ctx.endpoint(pipeline);
    const secondEp = await ctx.endpoint(pipeline);
    const healthyEp = await ctx.endpoint(pipeline);
    const viewEps = [lossyEp, secondEp, healthyEp];
    // The app caps two viewers at 1,500 kbps: with all three healthy the median is 1,500.
    for (const ep of [secondEp, healthyEp]) {
      await k((cb) => ep.setMaxVideoSendBandwidth(1500, cb));
    }
    for (const ep of viewEps) await k((cb) => pubEp.connect(ep, cb));
    const viewers: Viewer[] = [];
    for (const ep of viewEps) {
      const v = await view(ep, undefined, { keep: false });
      ctx.cleanups.push(() => v.pc.close());
      viewers.push(v);
    }
    const [lossy, second] = viewers;
    if (!lossy || !second) throw new Error('three viewers');
    await Promise.all([pub.pc, ...viewers.map((v) => v.pc)].map((pc) => waitConnected(pc)));
    const vt = pub.pc.getTransceivers().find((t) => t.kind === 'video');
    // 500-byte packets every 10 ms: about 420 kbps to each viewer.
    const video = pump(pub.video, 'video', {
      size: 500,
      everyMs: 10,
      payloadType: vt?.codecs[0]?.payloadType ?? 0,
    });
    ctx.cleanups.push(() => video.stop());
    await until(() => viewers.every((v) => v.count() > 50), 10_000, 'video at every viewer');
    await until(() => rembs.length > 0, 10_000, 'a first REMB');
    expect(rembs).toEqual([1_500_000n]);

    const first = dropRtp(lossy.pc, 5);
    await until(
      () => estimate(lossyEp) > 0 && estimate(lossyEp) < 350_000,
      20_000,
      'the lossy viewer’s estimate below what it is sent',
    );
    expect(first.dropped()).toBeGreaterThan(0);
    expect(onServer(lossyEp).bandwidth.link?.loss).toBeGreaterThan(0.1);
    // The healthy ones limit nothing, and the median did not move: no new REMB at all.
    expect(estimate(secondEp)).toBe(0);
    expect(estimate(healthyEp)).toBe(0);
    expect(rembs).toEqual([1_500_000n]);

    dropRtp(second.pc, 5);
    await until(
      () => (rembs.at(-1) ?? 0n) < 300_000n,
      20_000,
      'the REMB below what the publisher sends',
    );
    // The median of three is now the better of the two lossy viewers' estimates.
    // …never below the sinks' minVideoSendBandwidth (KMS's default 100 kbps).
    expect(rembs.at(-1)).toBeGreaterThanOrEqual(100_000n);
    expect(estimate(healthyEp)).toBe(0);

    // What the app reads through getStats: the estimate, the reported loss and RTT.
    const stats = await k<Record<string, Record<string, unknown>>>((cb) => lossyEp.getStats(cb));
    const out = stats['video-outbound'];
    expect(out?.['targetBitrate']).toBeGreaterThan(0);
    expect(out?.['targetBitrate']).toBeLessThan(350_000);
    expect(out?.['roundTripTime']).toBeGreaterThanOrEqual(0);
    expect(out?.['roundTripTime']).toBeLessThan(1);
  });
});
