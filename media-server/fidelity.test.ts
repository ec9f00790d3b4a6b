/**
 * KMS behaviours Kurento applications rely on: hello-world loopback (an endpoint connected to
 * itself), offers without `a=mid`, the session of a promise-style client, PassThrough and
 * DispatcherOneToMany routing.
 */
import { MediaStreamTrack } from 'werift';
import type { RtpPacket, RTCPeerConnection } from 'werift';
import { describe, expect, it } from 'vitest';
import type { KElement, KEndpoint, KObject } from './test/kurento';
import { invoke, k, kurento } from './test/kurento';
import { loopbackPeer, publish, pump, trickle, view, waitConnected } from './test/peers';
import { until, useMediaServer } from './test/env';

describe('KMS fidelity', () => {
  const ms = useMediaServer();

  it('hello-world loopback: an endpoint connected to itself sends its media back', async () => {
    const pipeline = await ms.pipeline();
    const ep = await ms.endpoint(pipeline);
    await k((cb) => ep.connect(ep, cb));
    const pc = loopbackPeer();
    ms.cleanups.push(() => pc.close());
    const track = new MediaStreamTrack({ kind: 'video' });
    pc.addTransceiver(track, { direction: 'sendrecv' });
    const back: RtpPacket[] = [];
    pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => back.push(rtp.clone())));
    trickle(pc, ep);
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await k<string>((cb) => ep.processOffer(pc.localDescription?.sdp ?? '', cb));
    expect(answer).toMatch(/a=sendrecv/);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await k((cb) => ep.gatherCandidates(cb));
    await waitConnected(pc);
    const pt = pc.getTransceivers()[0]?.codecs[0]?.payloadType ?? 96;
    const video = pump(track, 'video', { size: 500, everyMs: 10, payloadType: pt });
    ms.cleanups.push(() => video.stop());
    await until(() => back.length >= 20, 10_000, 'looped-back packets');
    const sent = new Set(video.sent.map((b) => b.toString('hex')));
    for (const p of back) expect(sent.has(p.payload.toString('hex'))).toBe(true);
    const sources = await k<Record<string, unknown>[]>((cb) => ep.getSourceConnections(cb));
    expect(sources.map((c) => c['source'])).toContain(ep.id);
  });

  it('answers an offer without a=mid lines (mids by m-line index, as KMS)', async () => {
    const pipeline = await ms.pipeline();
    const ep = await ms.endpoint(pipeline);
    const pc = loopbackPeer();
    ms.cleanups.push(() => pc.close());
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const offer = (pc.localDescription?.sdp ?? '')
      .split('\r\n')
      .filter((l) => !l.startsWith('a=mid:') && !l.startsWith('a=group:BUNDLE'))
      .join('\r\n');
    expect(offer).not.toMatch(/a=mid/);
    const answer = await k<string>((cb) => ep.processOffer(offer, cb));
    const mids = [...answer.matchAll(/^a=mid:(.*)$/gm)].map((m) => m[1]?.trim());
    expect(mids).toEqual(['0', '1']);
    expect(answer).toMatch(/m=audio [1-9]\d* /);
    expect(answer).toMatch(/m=video [1-9]\d* /);
  });

  it('a promise-style client (await kurentoClient, then getServerManager) gets its events', async () => {
    interface PServerManager {
      on(event: string, fn: (e: Record<string, unknown>) => void): void;
    }
    interface PClient {
      getServerManager(): Promise<PServerManager>;
      create(type: 'MediaPipeline'): Promise<KObject & { release(): Promise<void> }>;
      close(): void;
    }
    const promiseStyle = kurento as unknown as (url: string, o: object) => PromiseLike<PClient>;
    // The race the issue measured lost events in 9 of 11 runs: several fresh clients in a row.
    for (let run = 0; run < 6; run++) {
      const client = await promiseStyle(ms.server.url, { request_timeout: 10_000 });
      try {
        const sm = await client.getServerManager();
        const pipeline = await client.create('MediaPipeline');
        const destroyed: string[] = [];
        sm.on('ObjectDestroyed', (e) => destroyed.push(String(e['objectId'])));
        // kurento-client sends the subscribe after its getInfo check: wait until it is in.
        const subscribed = () => [...ms.server.sessions.all()].some((x) => x.subscriptions.size);
        await until(subscribed, 5000, 'subscription');
        await pipeline.release();
        await until(() => destroyed.includes(pipeline.id), 5000, `ObjectDestroyed (run ${run})`);
      } finally {
        client.close();
      }
      // One session per connection: concurrent first requests do not each make one.
      expect(ms.server.sessions.ids().length).toBe(run + 2);
    }
    expect(ms.server.registry.pipelineIds()).toEqual([]);
  });

  it('PassThrough forwards a publisher to a viewer; keyframe requests reach the publisher', async () => {
    const pipeline = await ms.pipeline();
    const pubEp = await ms.endpoint(pipeline);
    const viewEp = await ms.endpoint(pipeline);
    const pass = await k<KElement>((cb) => pipeline.create('PassThrough', cb));
    const pub = await publish(pubEp);
    ms.cleanups.push(() => pub.pc.close());
    await k((cb) => pubEp.connect(pass, cb));
    await k((cb) => pass.connect(viewEp, cb));
    const viewer = await view(viewEp);
    ms.cleanups.push(() => viewer.pc.close());
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
    let plis = 0;
    pub.pc
      .getTransceivers()
      .find((t) => t.kind === 'video')
      ?.sender.onPictureLossIndication.subscribe(() => plis++);
    const pt = pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType;
    const video = pump(pub.video, 'video', { size: 800, everyMs: 10, payloadType: pt ?? 96 });
    ms.cleanups.push(() => video.stop());
    const got = await viewer.waitFor('video', 20);
    const sent = new Set(video.sent.map((b) => b.toString('hex')));
    for (const p of got) expect(sent.has(p.payload.toString('hex'))).toBe(true);
    const vt = viewer.pc.getTransceivers().find((t) => t.kind === 'video');
    const ssrc = got[0]?.header.ssrc ?? 0;
    const before = plis;
    await new Promise((r) => setTimeout(r, 350)); // outside the 300 ms keyframe throttle window
    await vt?.receiver.sendRtcpPLI(ssrc);
    await until(() => plis > before, 5000, 'PLI through the PassThrough');
    expect(await invoke<boolean>(pass, 'isMediaFlowingIn', 'VIDEO')).toBe(true);
  });

  it('DispatcherOneToMany sends the source port to every port; removeSource stops it', async () => {
    const pipeline = await ms.pipeline();
    const hub = await k<KElement>((cb) => pipeline.create('DispatcherOneToMany', cb));
    const port = () => k<KElement>((cb) => pipeline.create('HubPort', { hub }, cb));
    const [pA, pB] = [await port(), await port()];
    const aEp = await ms.endpoint(pipeline);
    const bEp = await ms.endpoint(pipeline);
    const vEp = await ms.endpoint(pipeline);
    const [a, b] = [await publish(aEp), await publish(bEp)];
    ms.cleanups.push(
      () => a.pc.close(),
      () => b.pc.close(),
    );
    await k((cb) => aEp.connect(pA, cb));
    await k((cb) => bEp.connect(pB, cb));
    const pV = await port();
    await k((cb) => pV.connect(vEp, cb));
    const viewer = await view(vEp);
    ms.cleanups.push(() => viewer.pc.close());
    await Promise.all([waitConnected(a.pc), waitConnected(b.pc), waitConnected(viewer.pc)]);
    const ptOf = (pc: RTCPeerConnection) =>
      pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const va = pump(a.video, 'video', { size: 300, everyMs: 10, payloadType: ptOf(a.pc) });
    const vb = pump(b.video, 'video', { size: 301, everyMs: 10, payloadType: ptOf(b.pc) });
    ms.cleanups.push(
      () => va.stop(),
      () => vb.stop(),
    );
    const sizes = () => new Set(viewer.received.video.map((p) => p.payload.length));
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.received.video.length).toBe(0); // no source yet
    await invoke(hub, 'setSource', pA);
    await until(() => sizes().has(300), 5000, 'A through the hub');
    await invoke(hub, 'setSource', pB);
    await until(() => sizes().has(301), 5000, 'B through the hub');
    await invoke(hub, 'removeSource');
    const n = viewer.received.video.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.received.video.length - n).toBeLessThan(5); // only packets already in flight
    // A port of another hub, or a non-port, is refused.
    const err = await invoke(hub, 'setSource', vEp as unknown as KEndpoint).catch(
      (e: { code?: number }) => e,
    );
    expect((err as { code?: number }).code).toBe(40107);
    await k((cb) => hub.release(cb));
    expect(ms.server.registry.lookup(pV.id)).toBeUndefined();
  });
});
