import { describe, expect, it } from 'vitest';
import type { RtcpPacket, RTCRtpReceiver, RTCRtpSender } from 'werift';
import { RtcpRrPacket } from 'werift';
import { reportClock } from './media/rtcpReports';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import { until } from './test/env';
import type { KEndpoint, KPipeline } from './test/kurento';
import { k } from './test/kurento';
import { publish, pump, view, waitConnected } from './test/peers';
import { useTestServer } from './test/useTestServer';

/** werift's RTCP bookkeeping these checks read (private in its typings). */
interface SenderRtcp {
  rtt?: number;
}
interface ReceiverRtcp {
  lastSRtimestamp: Record<number, number | undefined>;
}

const video = <T extends { kind: string }>(ts: T[]): T | undefined =>
  ts.find((t) => t.kind === 'video');

/**
 * RTCP through the media server with werift peers on both sides, now that the server writes its
 * own reports and does its own SRTCP (media/rtcpReports.ts, media/Srtcp.ts): each side reads the
 * other's sender and receiver reports, and the round trip closes (an RTT from the LSR echo).
 */
describe('sender and receiver reports through the media server', () => {
  const fx = useTestServer();

  it('each side hears the other, the RTT closes, and release leaves no report job', async () => {
    const jobsBefore = reportClock.size;
    const pipeline = await k<KPipeline>((cb) => fx.client.create('MediaPipeline', cb));
    const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    const pub = await publish(pubEp);
    fx.defer(() => pub.pc.close());
    const viewEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    await k((cb) => pubEp.connect(viewEp, cb));
    const viewer = await view(viewEp, undefined, { keep: false });
    fx.defer(() => viewer.pc.close());
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);

    const pubT = video(pub.pc.getTransceivers());
    const vpt = pubT?.codecs[0]?.payloadType ?? 96;
    const stream = pump(pub.video, 'video', { size: 600, everyMs: 10, payloadType: vpt });
    fx.defer(() => stream.stop());

    // The publisher hears the server's receiver reports about what it sends.
    const pubSender = pubT?.sender as RTCRtpSender;
    let reportsAboutPub = 0;
    pubSender.onRtcp.subscribe((p: RtcpPacket) => {
      if (p instanceof RtcpRrPacket && p.reports.some((r) => r.ssrc === pubSender.ssrc)) {
        reportsAboutPub++;
      }
    });
    const pubSide = fx.server.registry.lookup(pubEp.id) as WebRtcEndpoint;
    const viewSide = fx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
    const serverReceiver = pubSide.peer?.transceiver('video')?.receiver as RTCRtpReceiver;
    const serverSender = viewSide.peer?.transceiver('video')?.sender as RTCRtpSender;
    const viewerReceiver = video(viewer.pc.getTransceivers())?.receiver as RTCRtpReceiver;

    await until(() => viewer.count() > 50, 10_000, 'media at the viewer');
    // The viewer decrypted and parsed the server's sender report for its stream.
    await until(
      () =>
        (viewerReceiver as unknown as ReceiverRtcp).lastSRtimestamp[serverSender.ssrc] !==
        undefined,
      10_000,
      "the server's SR at the viewer",
    );
    // The server decrypted the publisher's SR.
    await until(
      () => Object.keys((serverReceiver as unknown as ReceiverRtcp).lastSRtimestamp).length > 0,
      10_000,
      "the publisher's SR at the server",
    );
    await until(() => reportsAboutPub > 0, 10_000, "the server's RR at the publisher");
    // The viewer's RR echoes our SR's compact NTP time (LSR), so werift computes an RTT.
    await until(
      () => (serverSender as unknown as SenderRtcp).rtt !== undefined,
      10_000,
      'an RTT at the server',
    );
    // Loopback: about zero (werift's clocks have millisecond steps, so it may read a hair below).
    expect(Math.abs((serverSender as unknown as SenderRtcp).rtt ?? 99)).toBeLessThan(0.5);

    stream.stop();
    await k((cb) => pipeline.release(cb));
    await pub.pc.close();
    await viewer.pc.close();
    // Stopped senders and receivers leave the clock at its next tick.
    await until(() => reportClock.size === jobsBefore, 5000, 'report jobs released');
  });
});
