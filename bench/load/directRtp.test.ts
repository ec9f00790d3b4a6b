/**
 * The load generator's direct receive path still does what a browser's receiver does: two werift
 * peers on loopback (needs a loopback-only namespace when root, as the media tests), the sender
 * skipping one sequence number. The receiver must hand on every packet decrypted, report on the
 * stream and ask for the missing packet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RTCRtpSender, RtcpPacket } from 'werift';
import { GenericNack, RtcpRrPacket, RtcpTransportLayerFeedback } from 'werift';

import { createPeer, gatheredOffer, leanReceiver, waitConnected } from './peer';
import { readProbe, StreamKind } from './probe';
import { VIDEO_PROBE_OFFSET, VideoSource } from './synth';

const peers: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((pc) => pc.close()));
});

describe('directRtp (load generator receive path)', () => {
  it('decrypts every packet, sends receiver reports and NACKs a lost one', async () => {
    const sending = createPeer();
    const receiving = createPeer();
    peers.push(sending, receiving);
    const sender: RTCRtpSender = sending.addTransceiver('video', { direction: 'sendonly' }).sender;
    receiving.addTransceiver('video', { direction: 'recvonly' });
    const probes: number[] = [];
    const direct: number[] = [];
    leanReceiver(receiving, (kind, packet, offset, end) => {
      const probe = readProbe(packet.subarray(offset, end), VIDEO_PROBE_OFFSET);
      if (kind === 'video' && probe?.kind === StreamKind.Video) direct.push(probe.seq);
    });
    receiving.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const probe = readProbe(rtp.payload, VIDEO_PROBE_OFFSET);
        if (probe) probes.push(probe.seq);
      }),
    );
    const rtcp: RtcpPacket[] = [];
    sender.onRtcp.subscribe((p) => rtcp.push(p));

    await receiving.setRemoteDescription({ type: 'offer', sdp: await gatheredOffer(sending) });
    await receiving.setLocalDescription(await receiving.createAnswer());
    const answer = receiving.localDescription?.sdp ?? '';
    await sending.setRemoteDescription({ type: 'answer', sdp: answer });
    await Promise.all([waitConnected(sending, 10_000), waitConnected(receiving, 10_000)]);

    const video = new VideoSource(1);
    const sent: number[] = [];
    let skipped: number | undefined;
    for (let frame = 0; frame < 30; frame++) {
      for (const packet of video.nextFrame(process.hrtime.bigint())) {
        const probe = readProbe(packet.payload, VIDEO_PROBE_OFFSET);
        // One packet lost on the way: never sent, so only a NACK can name it.
        if (frame === 20 && skipped === undefined) {
          skipped = packet.header.sequenceNumber;
          continue;
        }
        if (probe) sent.push(probe.seq);
        await sender.sendRtp(packet);
      }
      await new Promise((r) => setTimeout(r, 33));
    }
    await expect.poll(() => probes.length + direct.length, { timeout: 5_000 }).toBe(sent.length);
    // Past each source's first packet, everything came the direct way, decrypted.
    expect(direct.length).toBeGreaterThan(sent.length - 3);
    expect([...probes, ...direct].sort((a, b) => a - b)).toEqual(sent);

    const ssrc = sender.ssrc;
    const nacked = (): number[] =>
      rtcp.flatMap((p) =>
        p instanceof RtcpTransportLayerFeedback &&
        p.feedback instanceof GenericNack &&
        p.feedback.mediaSourceSsrc === ssrc
          ? p.feedback.lost
          : [],
      );
    // sendRtp renumbers by a fixed offset: the gap is where the skipped packet would have been.
    const wireSkipped =
      ((skipped ?? 0) + (sender as unknown as { seqOffset: number }).seqOffset) & 0xffff;
    await expect.poll(nacked, { timeout: 3_000 }).toContain(wireSkipped);
    const reports = (): number[] =>
      rtcp.flatMap((p) =>
        p instanceof RtcpRrPacket ? p.reports.filter((r) => r.ssrc === ssrc).map(() => 1) : [],
      );
    await expect.poll(() => reports().length, { timeout: 4_000 }).toBeGreaterThan(0);
  });
});
