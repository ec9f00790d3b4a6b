import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { Peer } from './media/peer';
import { shortRouteStats } from './media/shortRoute';
import { useTestServer } from './test/useTestServer';
import { until } from './test/env';
import {
  isMeasured,
  publisherViewerRoom,
  range,
  routePacket,
  sendRoutePackets,
} from './test/routedRoom';

/** What reaches a sink's send (RtpSink: rewrite, protect, send), the publisher's SSRC left out. */
type Sent = [kind: string, seq: number, ts: number, marker: boolean, payload: string];

const sendRaw = (pc: RTCPeerConnection, from: number, to: number): Promise<void> =>
  sendRoutePackets(pc, range(from, to));

describe('the short route forwards what the werift chain forwards', () => {
  const fx = useTestServer();
  afterEach(() => {
    delete process.env['MEDIA_SHORT_ROUTE'];
    delete process.env['MEDIA_NATIVE_ROUTE'];
    vi.restoreAllMocks();
  });

  /** One room of two with the route on or off: what the sink sends, and what the viewer reads. */
  async function room(short: 'on' | 'off') {
    process.env['MEDIA_SHORT_ROUTE'] = short;
    // The JS route against werift's chain: the addon's route would send without Peer.send.
    process.env['MEDIA_NATIVE_ROUTE'] = 'off';
    const { pub, viewer } = await publisherViewerRoom(fx);
    // Warm-up until the viewer gets packets: the server learnt the SSRC, both legs are up.
    let warm = 0;
    while (viewer.received.video.length === 0 && warm < 100) {
      await sendRaw(pub.pc, warm - 100, warm - 99);
      warm++;
    }
    const spy = vi.spyOn(Peer.prototype, 'send');
    const before = shortRouteStats().taken;
    const seen = viewer.received.video.length;
    await sendRaw(pub.pc, 0, 80);
    await until(() => spy.mock.calls.filter((c) => c[2] < 100).length >= 44, 10_000, 'forwarded');
    await until(
      () => viewer.received.video.slice(seen).filter((p) => isMeasured(p.payload)).length >= 80,
      10_000,
      'received',
    );
    const taken = shortRouteStats().taken - before;
    const sent: Sent[] = spy.mock.calls
      .filter((c) => c[2] >= 65500 || c[2] < 100) // not a late warm-up packet
      .map(([kind, , seq, ts, marker, payload]) => [
        kind,
        seq,
        ts,
        marker,
        payload.toString('hex'),
      ]);
    spy.mockRestore();
    const got = viewer.received.video
      .slice(seen)
      .filter((p) => isMeasured(p.payload)) // not a late warm-up packet
      .map((p) => {
        const h = p.header;
        return [h.sequenceNumber, h.timestamp, h.marker, h.padding, p.payload.toString('hex')];
      });
    const first = got[0];
    // The viewer's numbering starts anywhere (RtpSink): compare what follows the first packet.
    const relative = got.map(([seq, ts, ...rest]) => [
      ((seq as number) - (first?.[0] as number)) & 0xffff,
      ((ts as number) - (first?.[1] as number)) >>> 0,
      ...rest,
    ]);
    return { sent, relative, taken };
  }

  it('gives the sinks the same packets, byte for byte, with the route on and off', async () => {
    const on = await room('on');
    const off = await room('off');
    expect(on.taken).toBeGreaterThanOrEqual(80);
    expect(off.taken).toBe(0);
    expect(on.sent.length).toBe(80);
    expect(on.sent).toEqual(off.sent);
    expect(on.relative).toEqual(off.relative);
    // The padding stays out of the payload; the wrap is where it was.
    expect(on.sent[2]?.[4]).toBe(routePacket(2, 0, 0).payload.subarray(0, -4).toString('hex'));
    expect(on.sent.findIndex((s) => s[1] === 0)).toBe(36);
  });
});
