import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import type { StreamStats } from './media/fastReceive';
import { nativeRouteStats } from './media/nativeRoute';
import { vp8Codec } from './media/weriftCodecs';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KElement, KEndpoint, KPipeline } from './test/kurento';
import { k } from './test/kurento';
import { useTestServer } from './test/useTestServer';
import { until } from './test/env';
import { isMeasured, publisherViewerRoom, range, sendRoutePackets } from './test/routedRoom';

/** The route's packets with CSRCs too (the addon rewrites past them). */
const sendRaw = (pc: RTCPeerConnection, indices: number[]): Promise<void> =>
  sendRoutePackets(pc, indices, { csrcs: true });

/** 0–119 with losses (never sent: 10, 11, 50) and reordering (21 before 20, 61 before 60). */
const ORDER = range(0, 120)
  .filter((i) => i !== 10 && i !== 11 && i !== 50)
  .map((i) => (i === 20 ? 21 : i === 21 ? 20 : i === 60 ? 61 : i === 61 ? 60 : i));

describe('the route in the addon sends what the JS route sends', () => {
  const fx = useTestServer();
  afterEach(() => {
    delete process.env['MEDIA_NATIVE_ROUTE'];
  });

  /** One room of two with the addon's route on or off; `midway` runs after packet 40. */
  async function room(
    route: 'on' | 'off',
    midway?: (pub: KEndpoint, pipeline: KPipeline) => Promise<void>,
    finish?: (pubEp: KEndpoint, pc: RTCPeerConnection) => Promise<void>,
  ) {
    process.env['MEDIA_NATIVE_ROUTE'] = route;
    // A viewer that asks for no retransmission: the SR counts would depend on its timing.
    const vp8 = vp8Codec();
    vp8.rtcpFeedback = vp8.rtcpFeedback.filter((f) => f.type !== 'nack');
    const { pipeline, pubEp, viewEp, pub, viewer } = await publisherViewerRoom(fx, {
      viewerVideo: [vp8],
    });
    let warm = 0;
    while (viewer.received.video.length < 40 && warm < 100) {
      await sendRaw(pub.pc, [warm - 100]);
      warm++;
    }
    const pubObj = fx.server.registry.get(pubEp.id) as WebRtcEndpoint;
    const viewObj = fx.server.registry.get(viewEp.id) as WebRtcEndpoint;
    // What JS must still see of each routed packet, counted from here.
    const counts = () => {
      const receiver = pubObj.peer?.transceiver('video')?.receiver as unknown as {
        remoteStreams: Record<number, StreamStats | undefined>;
      };
      const st = Object.values(receiver.remoteStreams)[0];
      const sr = viewObj.peer?.sink('video')?.senderReport(performance.now());
      const { packetsIn, bytesIn } = pubObj.counters.video;
      const { packetsOut, bytesOut } = viewObj.counters.video;
      return [
        packetsIn,
        bytesIn,
        packetsOut,
        bytesOut,
        st?.packets_received,
        st?.bytesReceived,
        st?.headerBytesReceived,
        st?.cycles,
        sr?.packets,
        sr?.octets,
      ].map(Number);
    };
    const nacked: number[] = [];
    pub.pc
      .getTransceivers()
      .find((x) => x.kind === 'video')
      ?.sender.onGenericNack.subscribe((n) => nacked.push(...n.lost));
    const start = counts();
    const before = nativeRouteStats();
    const seen = viewer.received.video.length;
    const cut = ORDER.indexOf(40);
    await sendRaw(pub.pc, ORDER.slice(0, cut));
    if (midway) await midway(pubEp, pipeline);
    await sendRaw(pub.pc, ORDER.slice(cut));
    // Each packet once: the viewer's own NACKs (a reordered packet) may bring one twice.
    const fresh = () => {
      const once = new Set<number>();
      return viewer.received.video.slice(seen).filter((p) => {
        const first = !once.has(p.header.sequenceNumber);
        once.add(p.header.sequenceNumber);
        return first && isMeasured(p.payload);
      });
    };
    await until(() => fresh().length >= ORDER.length, 10_000, 'received');
    const after = nativeRouteStats();
    const got = fresh().map((p) => {
      const h = p.header;
      return [
        h.sequenceNumber,
        h.timestamp,
        h.marker,
        h.padding,
        h.csrcLength,
        h.extension,
        p.payload.toString('hex'),
      ];
    });
    const first = got[0];
    const relative = got.map(([seq, ts, ...rest]) => [
      ((seq as number) - (first?.[0] as number)) & 0xffff,
      ((ts as number) - (first?.[1] as number)) >>> 0,
      ...rest,
    ]);
    await until(() => nacked.length > 0, 10_000, 'NACKs');
    const end = counts();
    // The sink answers a NACK for a packet the route sent from its history (RtpSink.retransmit).
    const last = fresh().at(-1);
    const count = viewer.received.video.length;
    const again = viewObj.peer?.sink('video')?.retransmit([last?.header.sequenceNumber ?? -1]);
    await until(() => viewer.received.video.length > count, 10_000, 'retransmission');
    const resent = viewer.received.video[count];
    await finish?.(pubEp, pub.pc);
    return {
      counted: end.map((v, i) => v - (start[i] ?? 0)),
      // The measured packets' losses (the warm-up's depend on timing).
      nacked: [...new Set(nacked)]
        .filter((q) => ((q - 65500) & 0xffff) < 120)
        .sort((a, b) => a - b),
      retransmitted: [again, resent?.header.sequenceNumber, resent?.payload.toString('hex')],
      last: [last?.header.sequenceNumber, last?.payload.toString('hex')],
      relative,
      taken: after.taken - before.taken,
      added: after.added - before.added,
      removed: after.removed - before.removed,
    };
  }

  it('gives the viewer the same packets, across a wrap, with padding, CSRCs, losses and reordering', async () => {
    const on = await room('on');
    const off = await room('off');
    expect(on.taken).toBeGreaterThanOrEqual(100);
    expect(off.taken).toBe(0);
    expect(on.relative.length).toBe(ORDER.length);
    expect(on.relative).toEqual(off.relative);
    // No padding, CSRC or extension goes out (RtpSink's header).
    expect(on.relative.every((r) => r[3] === false && r[4] === 0 && r[5] === false)).toBe(true);
    // Counters, receiver statistics and SR contents as the JS route leaves them.
    expect(on.counted, JSON.stringify([on.counted, off.counted])).toEqual(off.counted);
    expect(on.counted[0]).toBe(ORDER.length);
    // The NACK generator saw the sequence numbers: the same losses asked for.
    // (A reordered packet, 20 or 60, is asked for too if the generator's timer came first.)
    const lost = (q: number): boolean => q !== 65520 && q !== 24;
    expect(on.nacked.filter(lost)).toEqual([14, 65510, 65511]); // packets 50, 10 and 11
    expect(off.nacked.filter(lost)).toEqual([14, 65510, 65511]);
    // A NACK for the last packet (sent by the addon) is answered from the history, same bytes.
    expect(on.retransmitted).toEqual([1, ...on.last]);
    expect(off.retransmitted).toEqual([1, ...off.last]);
  });

  it('continues the numbering where the addon left it when the route is removed and added again', async () => {
    const again = async (pub: KEndpoint, pipeline: KPipeline): Promise<void> => {
      // A connect and a disconnect of another sink each take the route back first.
      const other = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
      await k((cb) => pub.connect(other, cb));
      await k((cb) => pub.disconnect(other, cb));
    };
    const on = await room('on', again);
    const off = await room('off', again);
    expect(on.removed).toBeGreaterThanOrEqual(1);
    expect(on.added).toBeGreaterThanOrEqual(1);
    expect(on.relative).toEqual(off.relative);
  });

  it('raises MediaFlowInStateChanged for what only the addon routed', async () => {
    const events: string[] = [];
    await room('on', undefined, async (pubEp, pc) => {
      pubEp.on('MediaFlowInStateChanged', (e) => {
        if (e['mediaType'] === 'VIDEO') events.push(String(e['state']));
      });
      // Nothing for four checks of 500 ms: not flowing; then the routed packets again.
      await until(() => events.includes('NOT_FLOWING'), 10_000, 'NOT_FLOWING');
      const taken = nativeRouteStats().taken;
      await sendRaw(pc, range(120, 140));
      await until(() => events.at(-1) === 'FLOWING', 10_000, 'FLOWING');
      expect(nativeRouteStats().taken - taken).toBe(20);
    });
    expect(events).toEqual(['NOT_FLOWING', 'FLOWING']);
  });

  it('leaves a source with a sink that is not a WebRtcEndpoint to the JS route', async () => {
    const passThrough = async (pub: KEndpoint, pipeline: KPipeline): Promise<void> => {
      const other = await k<KElement>((cb) => pipeline.create('PassThrough', cb));
      await k((cb) => pub.connect(other, cb));
    };
    const on = await room('on', passThrough);
    const off = await room('off', passThrough);
    expect(on.removed).toBe(1);
    expect(on.added).toBe(0);
    // Only the packets before the connect went through the addon.
    expect(on.taken).toBe(ORDER.indexOf(40));
    expect(on.relative).toEqual(off.relative);
    expect(on.counted).toEqual(off.counted);
  });

  /** A routed room (warm-up until the addon took packets); then `change`; what the route did. */
  async function routedThen(change: (viewEp: KEndpoint) => Promise<void>) {
    process.env['MEDIA_NATIVE_ROUTE'] = 'on';
    const { pubEp, viewEp, pub } = await publisherViewerRoom(fx);
    const start = nativeRouteStats();
    for (let i = -100; i < 0 && nativeRouteStats().taken - start.taken < 10; i++) {
      await sendRaw(pub.pc, [i]);
    }
    const routed = nativeRouteStats();
    const pubObj = fx.server.registry.get(pubEp.id) as WebRtcEndpoint;
    await change(viewEp);
    const removed = nativeRouteStats().removed - routed.removed;
    const packetsIn = pubObj.counters.video.packetsIn;
    await sendRaw(pub.pc, range(0, 20));
    await until(() => pubObj.counters.video.packetsIn - packetsIn >= 20, 10_000, 'packets in');
    return {
      taken: routed.taken - start.taken,
      removed,
      after: nativeRouteStats().taken - routed.taken,
    };
  }

  it('takes the route back when its sink is released', async () => {
    const r = await routedThen(async (viewEp) => {
      await k((cb) => viewEp.release(cb));
    });
    expect(r.taken).toBeGreaterThanOrEqual(10);
    expect(r.removed).toBe(1);
    expect(r.after).toBe(0); // no sink: the JS route counts them
  });

  it("takes the route back when its sink's transport leaves connected", async () => {
    const r = await routedThen(async (viewEp) => {
      // The server's side of the sink's connection closes (as werift's does when DTLS ends).
      await (fx.server.registry.get(viewEp.id) as WebRtcEndpoint).peer?.pc.close();
    });
    expect(r.taken).toBeGreaterThanOrEqual(10);
    expect(r.removed).toBe(1);
    expect(r.after).toBe(0);
  });
});
