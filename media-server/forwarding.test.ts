import type { Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KServerManager } from './test/kurento';
import { k } from './test/kurento';
import { pump } from './test/peers';
import { useTestServer } from './test/useTestServer';
import { until, udpSockets } from './test/env';
import { publisherViewerRoom } from './test/routedRoom';

describe('kurento-client drives a pipeline with two WebRtcEndpoints (VP8 + Opus)', () => {
  const fx = useTestServer();

  // The test releases the pipeline itself and checks that nothing is left.
  const setup = () => publisherViewerRoom(fx, { releasePipeline: false });

  it('forwards VP8 and Opus payloads intact, relays PLI, and release leaves nothing', async () => {
    const { pipeline, pubEp, viewEp, pub, viewer } = await setup();

    // Publisher side: count PLIs that reach it.
    let plis = 0;
    const videoSender = pub.pc.getTransceivers().find((t) => t.kind === 'video')?.sender;
    videoSender?.onPictureLossIndication.subscribe(() => plis++);

    const vpt =
      pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const apt =
      pub.pc.getTransceivers().find((t) => t.kind === 'audio')?.codecs[0]?.payloadType ?? 111;
    const video = pump(pub.video, 'video', { size: 1000, everyMs: 10, payloadType: vpt });
    const audio = pump(pub.audio, 'audio', { size: 120, everyMs: 20, payloadType: apt });
    fx.defer(
      () => video.stop(),
      () => audio.stop(),
    );

    const vids = await viewer.waitFor('video', 30);
    const auds = await viewer.waitFor('audio', 15);
    video.stop();
    audio.stop();

    // Every received payload is one the publisher sent, byte for byte, in order.
    const sentV = new Set(video.sent.map((b) => b.toString('hex')));
    for (const p of vids) expect(sentV.has(p.payload.toString('hex'))).toBe(true);
    const sentA = new Set(audio.sent.map((b) => b.toString('hex')));
    for (const p of auds) expect(sentA.has(p.payload.toString('hex'))).toBe(true);
    const counters = vids.map((p) => p.payload.readUInt32BE(1));
    expect([...counters].sort((a, b) => a - b)).toEqual(counters);
    // The viewer sees the payload type it negotiated and no foreign header extension ids.
    const viewerVpt = viewer.pc.getTransceivers().find((t) => t.kind === 'video')
      ?.codecs[0]?.payloadType;
    expect(vids[0]?.header.payloadType).toBe(viewerVpt);
    // The viewer endpoint sends on a UDP socket connected to the viewer (media/UdpRoute.ts).
    const viewSide = fx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
    const nominated = viewSide.peer?.pc.iceTransports[0]?.connection.nominated;
    const socket = (nominated?.protocol as unknown as { transport: { socket: Socket } }).transport
      .socket;
    expect(socket.remoteAddress().port).toBe(nominated?.remoteAddr[1]);

    // A new sink made the server ask the publisher for a keyframe.
    await until(() => plis >= 1);
    // A PLI from the viewer reaches the publisher.
    const before = plis;
    const recv = viewer.pc.getTransceivers().find((t) => t.kind === 'video')?.receiver;
    const ssrc = vids[0]?.header.ssrc ?? 0;
    await new Promise((r) => setTimeout(r, 350)); // let the 300 ms throttle window pass
    await recv?.sendRtcpPLI(ssrc);
    await until(() => plis > before);

    // Stats count what went in and out.
    const pubStats = await k<Record<string, Record<string, unknown>>>((cb) => pubEp.getStats(cb));
    expect(Number(pubStats['video-inbound']?.['packetsReceived'])).toBeGreaterThanOrEqual(30);
    const viewStats = await k<Record<string, Record<string, unknown>>>((cb) => viewEp.getStats(cb));
    expect(Number(viewStats['video-outbound']?.['packetsSent'])).toBeGreaterThanOrEqual(30);

    // Release: pipeline and children gone, UDP sockets closed.
    const peers = [...fx.server.registry.pipelineIds()].length;
    expect(peers).toBe(1);
    expect(udpSockets()).toBe(4); // 2 test peers + 2 server endpoints, loopback only
    const released = [pubEp.id, viewEp.id].map(
      (id) => fx.server.registry.lookup(id) as WebRtcEndpoint,
    );
    expect(released.some((ep) => ep.activeTimers() > 0)).toBe(true);
    await k((cb) => pipeline.release(cb));
    await until(() => udpSockets() === 2, 5000, 'server sockets closed');
    const manager = await k<KServerManager>((cb) => fx.client.getServerManager(cb));
    expect(await k((cb) => manager.getPipelines(cb))).toEqual([]);
    expect(fx.server.registry.size).toBe(1); // only the ServerManager
    // Our side of the media: the test peers still hold theirs, so close them first.
    await pub.pc.close();
    await viewer.pc.close();
    await until(() => udpSockets() === 0);
    // Our endpoints' timers (flow monitors, keyframe throttles) are gone. (Process-wide timer
    // counts also hold kurento-client's 20 s duplicate-response timers, so they are not compared.)
    expect(released.every((ep) => ep.activeTimers() === 0)).toBe(true);
    // Nothing of the released objects is left in the sessions' subscriptions.
    expect([...fx.server.sessions.all()].every((s) => s.subscriptions.size === 0)).toBe(true);
  });
});
