import { describe, expect, it } from 'vitest';
import { GenericNack, RtcpTransportLayerFeedback } from 'werift';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KEndpoint } from './test/kurento';
import { k } from './test/kurento';
import { useMediaServer, until, udpSockets } from './test/env';
import { H264, loopbackPeer, publish, pump, trickle, view, waitConnected } from './test/peers';

describe('media paths', () => {
  const ctx = useMediaServer();

  it('passes H264 through untouched', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    const pub = await publish(pubEp, [H264()]);
    ctx.cleanups.push(() => pub.pc.close());
    expect(pub.answer).toMatch(/a=rtpmap:\d+ H264\/90000/i);
    await k((cb) => pubEp.connect(viewEp, cb));
    const viewer = await view(viewEp, [H264()]);
    ctx.cleanups.push(() => viewer.pc.close());
    expect(viewer.answer).toMatch(/packetization-mode=1/);
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
    const vt = pub.pc.getTransceivers().find((t) => t.kind === 'video');
    const v = pump(pub.video, 'video', {
      size: 900,
      everyMs: 10,
      payloadType: vt?.codecs[0]?.payloadType ?? 0,
    });
    ctx.cleanups.push(() => v.stop());
    const got = await viewer.waitFor('video', 20);
    const sent = new Set(v.sent.map((b) => b.toString('hex')));
    for (const p of got) expect(sent.has(p.payload.toString('hex'))).toBe(true);
  });

  it('refuses to connect endpoints whose negotiated codecs differ', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    const pub = await publish(pubEp, [H264()]);
    ctx.cleanups.push(() => pub.pc.close());
    const viewer = await view(viewEp); // VP8 only
    ctx.cleanups.push(() => viewer.pc.close());
    const err = await k((cb) => pubEp.connect(viewEp, cb)).catch(
      (e: Error & { code?: number }) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: number }).code).toBe(40004);
    expect(String((err as Error).message)).toMatch(/H264.*VP8|VP8.*H264/i);
    expect(await k<unknown[]>((cb) => viewEp.getSourceConnections(cb))).toEqual([]);

    // Connected first: a sink offering only VP8 to an H264 source is refused at processOffer.
    const lateEp = await ctx.endpoint(pipeline);
    await k((cb) => pubEp.connect(lateEp, cb));
    const late = loopbackPeer();
    ctx.cleanups.push(() => late.close());
    late.addTransceiver('video', { direction: 'recvonly' });
    await late.setLocalDescription(await late.createOffer());
    const refused = await k<string>((cb) =>
      lateEp.processOffer(late.localDescription?.sdp ?? '', cb),
    ).catch((e: Error & { code?: number }) => e);
    expect((refused as { code?: number }).code).toBe(40205);
  });

  it('drops a connection whose codecs turn out different at negotiation, with an Error event', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    const errors: Record<string, unknown>[] = [];
    viewEp.on('Error', (e) => errors.push(e));
    await k((cb) => pubEp.connect(viewEp, cb));
    const viewer = await view(viewEp); // VP8, negotiated first
    ctx.cleanups.push(() => viewer.pc.close());
    const pub = await publish(pubEp, [H264()]); // then the publisher can only do H264
    ctx.cleanups.push(() => pub.pc.close());
    await until(() => errors.length > 0, 3000, 'Error event');
    expect(errors[0]).toMatchObject({ type: 'UNSUPPORTED_MEDIA_TYPE', errorCode: 40005 });
    expect(String(errors[0]?.['description'])).toMatch(/Codec mismatch/);
    // Video is cut; audio (Opus on both sides) and the DATA link stay.
    const left = await k<Record<string, unknown>[]>((cb) => viewEp.getSourceConnections(cb));
    expect(left.map((c) => c['type'])).toEqual(['AUDIO', 'DATA']);
  });

  it('answers NACKs from a viewer with retransmissions', async () => {
    const { viewer, viewEp, video } = await flowing(ctx);
    const got = await viewer.waitFor('video', 20);
    const target = got[5];
    if (!target) throw new Error('no packet');
    const seq = target.header.sequenceNumber;
    const recv = viewer.pc.getTransceivers().find((t) => t.kind === 'video')?.receiver;
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({
        senderSsrc: 1,
        mediaSourceSsrc: target.header.ssrc,
        lost: [seq],
      }),
    });
    await recv?.dtlsTransport.sendRtcp([nack]);
    await until(
      () => viewer.received.video.filter((p) => p.header.sequenceNumber === seq).length >= 2,
      3000,
      'retransmission',
    );
    const again = viewer.received.video.filter((p) => p.header.sequenceNumber === seq);
    expect(again[1]?.payload.equals(target.payload)).toBe(true);
    video.stop();
    const stats = await k<Record<string, Record<string, unknown>>>((cb) => viewEp.getStats(cb));
    expect(Number(stats['video-outbound']?.['nackCount'])).toBeGreaterThanOrEqual(1);
  });

  it('reports states and events, disconnects, and release closes every server socket', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    const seen: Record<string, Record<string, unknown>[]> = {};
    const record = (ep: KEndpoint, tag: string, names: string[]) => {
      for (const n of names) ep.on(n, (e) => (seen[`${tag}:${n}`] ??= []).push(e));
    };
    const names = [
      'ConnectionStateChanged',
      'MediaStateChanged',
      'MediaFlowInStateChanged',
      'MediaFlowOutStateChanged',
      'IceComponentStateChanged',
      'NewCandidatePairSelected',
      'IceGatheringDone',
      'ElementConnected',
      'ElementDisconnected',
    ];
    record(pubEp, 'pub', names);
    record(viewEp, 'view', names);
    const pub = await publish(pubEp);
    ctx.cleanups.push(() => pub.pc.close());
    await k((cb) => pubEp.connect(viewEp, cb));
    const viewer = await view(viewEp);
    ctx.cleanups.push(() => viewer.pc.close());
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
    const vt = pub.pc.getTransceivers().find((t) => t.kind === 'video');
    const v = pump(pub.video, 'video', {
      size: 500,
      everyMs: 10,
      payloadType: vt?.codecs[0]?.payloadType ?? 0,
    });
    ctx.cleanups.push(() => v.stop());
    await viewer.waitFor('video', 10);
    const has = (key: string, pred: (e: Record<string, unknown>) => boolean = () => true) =>
      (seen[key] ?? []).some(pred);
    await until(() =>
      has(
        'view:MediaFlowOutStateChanged',
        (e) => e['state'] === 'FLOWING' && e['mediaType'] === 'VIDEO',
      ),
    );
    await until(() => has('pub:MediaFlowInStateChanged', (e) => e['state'] === 'FLOWING'));
    await until(() => has('view:MediaStateChanged', (e) => e['newState'] === 'CONNECTED'));
    expect(has('pub:ConnectionStateChanged', (e) => e['newState'] === 'CONNECTED')).toBe(true);
    expect(has('pub:IceGatheringDone')).toBe(true);
    expect(
      has(
        'pub:NewCandidatePairSelected',
        (e) =>
          typeof (e['candidatePair'] as Record<string, unknown>)['localCandidate'] === 'string',
      ),
    ).toBe(true);
    expect(has('pub:IceComponentStateChanged', (e) => e['state'] === 'CONNECTED')).toBe(true);
    expect(
      has('pub:ElementConnected', (e) => e['sink'] === viewEp.id && e['mediaType'] === 'VIDEO'),
    ).toBe(true);
    expect(await k<string>((cb) => viewEp.getMediaState(cb))).toBe('CONNECTED');
    expect(await k<string>((cb) => viewEp.getConnectionState(cb))).toBe('CONNECTED');
    const src = await k<Record<string, unknown>[]>((cb) => viewEp.getSourceConnections(cb));
    expect(src.map((c) => [c['source'], c['type']])).toEqual([
      [pubEp.id, 'AUDIO'],
      [pubEp.id, 'VIDEO'],
      [pubEp.id, 'DATA'],
    ]);

    // disconnect: ElementDisconnected, and media stops reaching the viewer.
    await k((cb) => pubEp.disconnect(viewEp, cb));
    await until(() => has('pub:ElementDisconnected', (e) => e['sink'] === viewEp.id));
    const server = ctx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
    const sentBefore = server.counters.video.packetsOut;
    await until(
      () => (ctx.server.registry.lookup(pubEp.id) as WebRtcEndpoint).counters.video.packetsIn > 20,
    );
    expect(server.counters.video.packetsOut).toBe(sentBefore);
    v.stop();

    // release: 2 server sockets go, the test peers' 2 stay until they close.
    expect(udpSockets()).toBe(4);
    await k((cb) => pipeline.release(cb));
    await until(() => udpSockets() === 2, 5000, 'server sockets closed');
    expect(ctx.server.registry.pipelineIds()).toEqual([]);
    expect(ctx.server.registry.size).toBe(1);
    await pub.pc.close();
    await viewer.pc.close();
    await until(() => udpSockets() === 0);
  });

  it('announces and binds only the --ice-addresses (one socket per endpoint)', async () => {
    const pipeline = await ctx.pipeline();
    const ep = await ctx.endpoint(pipeline);
    const found: string[] = [];
    ep.on('IceCandidateFound', (e) =>
      found.push(String((e['candidate'] as { candidate: string }).candidate)),
    );
    const before = udpSockets();
    const pub = await publish(ep);
    ctx.cleanups.push(() => pub.pc.close());
    await waitConnected(pub.pc);
    const inAnswer = pub.answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(inAnswer.length).toBeGreaterThan(0);
    for (const c of [...inAnswer, ...found]) expect(c.split(' ')[4]).toBe('127.0.0.1');
    await pub.pc.close();
    await until(() => udpSockets() === before + 1, 3000, 'one server socket');
  });

  it('puts bandwidth limits into the answer (b=AS, x-google bitrates)', async () => {
    const pipeline = await ctx.pipeline();
    const ep = await ctx.endpoint(pipeline);
    await k((cb) => ep.setMaxVideoRecvBandwidth(800, cb));
    await k((cb) => ep.setMinVideoRecvBandwidth(300, cb));
    expect(await k<number>((cb) => ep.getMaxVideoRecvBandwidth(cb))).toBe(800);
    const pub = await publish(ep);
    ctx.cleanups.push(() => pub.pc.close());
    const video = pub.answer.split('m=video')[1] ?? '';
    expect(video).toMatch(/b=AS:800/);
    expect(video).toMatch(/x-google-max-bitrate=800/);
    expect(video).toMatch(/x-google-min-bitrate=300/);
    expect(video).toMatch(/a=rtcp-mux/);
    expect(pub.answer).toMatch(/a=group:BUNDLE 0 1/);
  });

  it("caps the publisher with REMB from a sink's maxVideoSendBandwidth", async () => {
    const { viewEp, pub } = await flowing(ctx);
    const sender = pub.pc.getTransceivers().find((t) => t.kind === 'video')?.sender;
    await k((cb) => viewEp.setMaxVideoSendBandwidth(300, cb));
    await until(
      () => sender?.receiverEstimatedMaxBitrate === 300_000n,
      3000,
      'REMB at the publisher',
    );
  });

  it('rejects a DTLS peer whose certificate does not match the SDP fingerprint', async () => {
    const pipeline = await ctx.pipeline();
    const ep = await ctx.endpoint(pipeline);
    const pc = loopbackPeer();
    ctx.cleanups.push(() => pc.close());
    pc.addTransceiver('video', { direction: 'sendonly' });
    trickle(pc, ep);
    await pc.setLocalDescription(await pc.createOffer());
    // Same peer, but the offer announces someone else's certificate fingerprint.
    const forged = (pc.localDescription?.sdp ?? '').replace(
      /a=fingerprint:sha-256 ([0-9A-F:]+)/g,
      (_m, fp: string) =>
        `a=fingerprint:sha-256 ${fp
          .split(':')
          .map((b) => (b === 'AA' ? 'BB' : 'AA'))
          .join(':')}`,
    );
    expect(forged).not.toBe(pc.localDescription?.sdp);
    const answer = await k<string>((cb) => ep.processOffer(forged, cb));
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await k((cb) => ep.gatherCandidates(cb));
    const server = ctx.server.registry.lookup(ep.id) as WebRtcEndpoint;
    await until(
      () => server.peer?.pc.connectionState === 'failed',
      10_000,
      'server-side DTLS failure',
    );
    expect(await k<string>((cb) => ep.getConnectionState(cb))).toBe('DISCONNECTED');
    expect(server.peer?.pc.dtlsTransports[0]?.state).toBe('failed');
  });
});

async function flowing(ctx: ReturnType<typeof useMediaServer>) {
  const pipeline = await ctx.pipeline();
  const pubEp = await ctx.endpoint(pipeline);
  const viewEp = await ctx.endpoint(pipeline);
  const pub = await publish(pubEp);
  ctx.cleanups.push(() => pub.pc.close());
  await k((cb) => pubEp.connect(viewEp, cb));
  const viewer = await view(viewEp);
  ctx.cleanups.push(() => viewer.pc.close());
  await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
  const vt = pub.pc.getTransceivers().find((t) => t.kind === 'video');
  const video = pump(pub.video, 'video', {
    size: 800,
    everyMs: 10,
    payloadType: vt?.codecs[0]?.payloadType ?? 0,
  });
  ctx.cleanups.push(() => video.stop());
  return { pipeline, pubEp, viewEp, pub, viewer, video };
}
