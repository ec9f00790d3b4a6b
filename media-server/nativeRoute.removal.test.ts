import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RtpPacket } from 'werift';
import { fanOut } from './media/fanOut';
import { native } from './media/native';
import { receiveAddonOf, socketFd } from './media/nativeReceive';
import { nativeRouteStats, routeAddonOf } from './media/nativeRoute';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KEndpoint } from './test/kurento';
import { until } from './test/env';
import { useTestServer } from './test/useTestServer';
import { isMeasured, publisherViewerRoom, range, sendRoutePackets } from './test/routedRoom';

/**
 * The changes nothing announces to the addon's route (issue 15, session 14): each must take the
 * route back before it routes another datagram (route.c checks with JS whenever JS may have run),
 * not at the end of the batch that carried the next packets. Each test makes the change between
 * two packets and looks at what the route did with the first packet after it.
 */

interface ServerPeer {
  pc: RTCPeerConnection;
}

interface PairShape {
  protocol: { transport: { socket: dgram.Socket } };
}

interface DtlsShape {
  srtp: object;
  packetsReceived: number;
  iceTransport: { connection: { nominated: PairShape } };
}

interface TrackShape {
  onReceiveRtp: { subscribe(fn: (rtp: RtpPacket) => void): unknown };
}

interface ReceiverShape {
  stop(): void;
  trackBySSRC: Record<number, TrackShape | undefined>;
}

interface RouterShape {
  registerRtpReceiver(receiver: ReceiverShape, ssrc: number): void;
}

// Skipped only where the addon did not build (no compiler): then there is no route to take back.
const addon = receiveAddonOf(native) !== null && routeAddonOf(native) !== null;
/** Threads that engage on load (none with MEDIA_WORKERS=0; always engaged: never routed). */
const engaging = fanOut !== null && process.env['MEDIA_WORKERS_ENGAGE'] !== 'always';

describe.skipIf(!addon)(
  'a change the route is not told of takes it back before the next datagram',
  () => {
    const fx = useTestServer();
    afterEach(() => {
      delete process.env['MEDIA_NATIVE_ROUTE'];
    });

    /** A publisher and a viewer, warmed up until the addon routes the video (route on). */
    async function routedRoom(route: 'on' | 'off' = 'on') {
      process.env['MEDIA_NATIVE_ROUTE'] = route;
      const room = await publisherViewerRoom(fx);
      const start = nativeRouteStats().taken;
      for (let i = -100; i < 0 && nativeRouteStats().taken - start < 10; i++) {
        await sendRoutePackets(room.pub.pc, [i]);
      }
      expect(nativeRouteStats().taken - start >= 10).toBe(route === 'on');
      const peer = (ep: KEndpoint): ServerPeer => {
        const p = (fx.server.registry.get(ep.id) as WebRtcEndpoint).peer;
        if (!p) throw new Error('no peer');
        return p as unknown as ServerPeer;
      };
      const dtls = (ep: KEndpoint): DtlsShape =>
        peer(ep).pc.dtlsTransports[0] as unknown as DtlsShape;
      const pubDtls = dtls(room.pubEp);
      /** Sends `indices`; resolves once the server has read them all (routed or not). */
      const send = async (indices: number[], ssrc?: number): Promise<number> => {
        const taken = nativeRouteStats().taken;
        const read = pubDtls.packetsReceived;
        await sendRoutePackets(room.pub.pc, indices, { ssrc });
        await until(() => pubDtls.packetsReceived - read >= indices.length, 10_000, 'read');
        return nativeRouteStats().taken - taken;
      };
      const videoReceiver = (): ReceiverShape =>
        peer(room.pubEp)
          .pc.getTransceivers()
          .find((t) => t.kind === 'video')?.receiver as unknown as ReceiverShape;
      const pubSsrc =
        room.pub.pc.getTransceivers().find((t) => t.kind === 'video')?.sender.ssrc ?? 0;
      const router = (): RouterShape =>
        (peer(room.pubEp).pc as unknown as { router: RouterShape }).router;
      return { ...room, dtls, send, videoReceiver, router, pubSsrc };
    }

    it("sends nothing on a sink's socket once it is closed, though its fd number is another socket's", async () => {
      const r = await routedRoom();
      const socket = r.dtls(r.viewEp).iceTransport.connection.nominated.protocol.transport.socket;
      const fd = socketFd(socket);
      expect(fd).toBeGreaterThanOrEqual(0);
      const listener = await bound();
      const heard: Buffer[] = [];
      listener.on('message', (d: Buffer) => heard.push(d));
      socket.close();
      // New sockets take the lowest free numbers: one of them gets the closed socket's.
      const taken: dgram.Socket[] = [];
      let reused: dgram.Socket | undefined;
      for (let i = 0; i < 8 && !reused; i++) {
        const s = await bound();
        taken.push(s);
        if (socketFd(s) === fd) reused = s;
      }
      fx.defer(() => [listener, ...taken].forEach((s) => s.close()));
      if (!reused) throw new Error(`no new socket got fd ${fd}`);
      const to = reused;
      await new Promise<void>((done) => to.connect(listener.address().port, '127.0.0.1', done));
      const routed = await r.send(range(0, 5));
      await new Promise((done) => setTimeout(done, 50));
      expect({ routed, heard: heard.length }).toEqual({ routed: 0, heard: 0 });
    });

    it("lets a listener added to the source's track see every packet after it", async () => {
      const r = await routedRoom();
      const seen: number[] = [];
      r.videoReceiver().trackBySSRC[r.pubSsrc]?.onReceiveRtp.subscribe((rtp) => {
        if (isMeasured(rtp.payload)) seen.push(rtp.header.sequenceNumber);
      });
      expect(await r.send(range(0, 5))).toBe(0);
      expect(seen).toEqual(range(0, 5).map((i) => (65500 + i) & 0xffff));
    });

    it('forwards nothing once the source receiver is stopped', async () => {
      const r = await routedRoom();
      const count = r.viewer.received.video.length;
      r.videoReceiver().stop();
      expect(await r.send(range(0, 5))).toBe(0);
      await new Promise((done) => setTimeout(done, 50));
      // werift's chain drops what a stopped receiver gets.
      expect(r.viewer.received.video.length).toBe(count);
    });

    it("decrypts with the source's new SRTP session, not the route's keys", async () => {
      const r = await routedRoom();
      const d = r.dtls(r.pubEp);
      // werift makes a transport's session once; a new one (same keys here) is what a new
      // handshake would leave: the route's context belongs to the old one.
      d.srtp = Object.create(d.srtp) as object;
      const count = r.viewer.received.video.length;
      expect(await r.send(range(0, 5))).toBe(0);
      await until(() => r.viewer.received.video.length >= count + 5, 10_000, 'forwarded');
    });

    it("routes nothing on the source's old pair once ICE nominated another", async () => {
      const r = await routedRoom();
      const connection = r.dtls(r.pubEp).iceTransport.connection;
      // What iceFollow.ts does when the remote nominates another pair (same socket and remote).
      connection.nominated = Object.create(connection.nominated) as PairShape;
      const count = r.viewer.received.video.length;
      expect(await r.send(range(0, 5))).toBe(0);
      await until(() => r.viewer.received.video.length >= count + 5, 10_000, 'forwarded');
    });

    it('numbers a new source SSRC on from the route and routes the old one again after it', async () => {
      const numbering = async (route: 'on' | 'off'): Promise<number[]> => {
        const r = await routedRoom(route);
        // What werift does for an SSRC the remote description names (router and track).
        const receiver = r.videoReceiver();
        const other = (r.pubSsrc + 1) >>> 0;
        receiver.trackBySSRC[other] = receiver.trackBySSRC[r.pubSsrc];
        r.router().registerRtpReceiver(receiver, other);
        const removed = nativeRouteStats().removed;
        const seen = r.viewer.received.video.length;
        await r.send(range(0, 40));
        await r.send(range(40, 80), other);
        await r.send(range(80, 120));
        await until(() => r.viewer.received.video.length - seen >= 120, 10_000, 'received');
        if (route === 'on') expect(nativeRouteStats().removed - removed).toBeGreaterThanOrEqual(2);
        const got = r.viewer.received.video.slice(seen).filter((p) => isMeasured(p.payload));
        const first = got[0]?.header.sequenceNumber ?? 0;
        return got.map((p) => (p.header.sequenceNumber - first) & 0xffff);
      };
      const on = await numbering('on');
      expect(on).toEqual(await numbering('off'));
      expect(on.length).toBe(120);
    });

    it.skipIf(!engaging)('routes nothing once the forwarding threads engage', async () => {
      const pool = fanOut;
      if (!pool) throw new Error('no forwarding threads');
      const r = await routedRoom();
      // The JS thread busy (over 80 % for four beats of 250 ms) while forwarding (reading
      // `engaged` counts as that), and no packet from the flip until the test's: they engage.
      for (let i = 0; i < 40 && !pool.engaged; i++) {
        const end = performance.now() + 200;
        while (performance.now() < end); // busy, as a large room keeps it
        await new Promise((done) => setTimeout(done, 1));
      }
      expect(pool.engaged).toBe(true);
      expect(await r.send(range(40, 45))).toBe(0);
    });
  },
);

function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((done) => s.bind(0, '127.0.0.1', () => done(s)));
}
