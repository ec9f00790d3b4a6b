import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { RTCPeerConnection } from 'werift';
import { describe, expect, it } from 'vitest';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import { isMdnsCandidate } from './media/mdns';
import { useMediaServer, until } from './test/env';
import type { KEndpoint } from './test/kurento';
import { k, kurento } from './test/kurento';
import { loopbackPeer, publish, pump, waitConnected } from './test/peers';

/** Replaces the address of every candidate (SDP lines or a trickled one) with an mDNS name. */
function obfuscate(text: string, names: Map<string, string>): string {
  return text.replace(
    /(candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host)/g,
    (_m, head: string, addr: string, tail: string) => {
      let name = names.get(addr);
      if (!name) {
        name = `${randomUUID()}.local`;
        names.set(addr, name);
      }
      return `${head}${name}${tail}`;
    },
  );
}

/** UDP sockets of this process bound to the mDNS port (werift's MdnsLookup would add one). */
function mdnsSockets(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => {
    if (!(h instanceof dgram.Socket)) return false;
    try {
      return h.address().port === 5353;
    } catch {
      return false; // not bound
    }
  }).length;
}

/**
 * A receive-only browser without camera/microphone permission signals only mDNS (`<uuid>.local`)
 * host candidates, in its offer and trickled. The server cannot resolve them; it must connect
 * through the peer-reflexive candidate it learns from the browser's connectivity checks.
 * The viewer here is a werift peer that behaves like that browser (it is controlling and checks
 * from its real loopback socket, but announces only `.local` names).
 */
describe('mDNS candidates (receive-only viewer without media permission)', () => {
  const ctx = useMediaServer();

  /** Holds UDP 5353 without SO_REUSEADDR, as any program may (skipped when already taken). */
  async function holdMdnsPort(): Promise<void> {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    const ok = await new Promise<boolean>((resolve) => {
      sock.once('error', () => resolve(false));
      sock.bind(5353, '127.0.0.1', () => resolve(true));
    });
    if (ok) ctx.cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
    else sock.close();
  }

  async function mdnsViewer(ep: KEndpoint): Promise<{
    pc: RTCPeerConnection;
    videoPackets: () => number;
    addCandidateMs: number[];
  }> {
    const names = new Map<string, string>();
    const pc = loopbackPeer();
    ctx.cleanups.push(() => pc.close());
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    let video = 0;
    pc.onTrack.subscribe((t) => {
      if (t.kind === 'video') t.onReceiveRtp.subscribe(() => video++);
    });
    const addCandidateMs: number[] = [];
    const IceCandidate = kurento.getComplexType('IceCandidate');
    const trickled: Promise<void>[] = [];
    pc.onIceCandidate.subscribe((c) => {
      if (!c) return;
      const j = c.toJSON();
      const candidate = obfuscate(j.candidate, names);
      const t0 = Date.now();
      trickled.push(
        k((cb) =>
          ep.addIceCandidate(
            IceCandidate({ candidate, sdpMid: j.sdpMid, sdpMLineIndex: j.sdpMLineIndex }),
            cb,
          ),
        ).then(() => void addCandidateMs.push(Date.now() - t0)),
      );
    });
    ep.on('IceCandidateFound', (e) => {
      void pc.addIceCandidate(e['candidate'] as { candidate: string; sdpMid: string });
    });
    await pc.setLocalDescription(await pc.createOffer());
    const offer = obfuscate(pc.localDescription?.sdp ?? '', names);
    expect(offer).toMatch(/a=candidate:\S+ 1 udp \d+ [0-9a-f-]{36}\.local \d+ typ host/);
    expect(offer).not.toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1/);
    // werift, like Firefox, closes a gathered offer with a=end-of-candidates.
    expect(offer).toContain('a=end-of-candidates');
    const answer = await k<string>((cb) => ep.processOffer(offer, cb));
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await k((cb) => ep.gatherCandidates(cb));
    // A trickled end-of-candidates as well (an empty candidate string).
    await k((cb) =>
      ep.addIceCandidate(IceCandidate({ candidate: '', sdpMid: '0', sdpMLineIndex: 0 }), cb),
    );
    await waitConnected(pc);
    await Promise.all(trickled);
    expect(addCandidateMs.length).toBeGreaterThan(0);
    return { pc, videoPackets: () => video, addCandidateMs };
  }

  it('connects through peer-reflexive candidates and receives media', async () => {
    await holdMdnsPort();
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    const pub = await publish(pubEp);
    ctx.cleanups.push(() => pub.pc.close());
    await k((cb) => pubEp.connect(viewEp, cb));

    const viewer = await mdnsViewer(viewEp);
    // Answered at once (werift's own mDNS lookup waits 10 s per candidate, then drops it).
    expect(Math.max(...viewer.addCandidateMs)).toBeLessThan(5_000);
    expect(mdnsSockets()).toBeLessThanOrEqual(1); // at most the test's own holder

    const ep = ctx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
    const nominated = ep.peer?.pc.iceTransports[0]?.connection.nominated;
    expect(nominated?.remoteCandidate.type).toBe('prflx');
    expect(nominated?.remoteCandidate.host).toBe('127.0.0.1');
    const pairs = await k<{ remoteCandidate: string }[]>((cb) =>
      (viewEp as unknown as { getICECandidatePairs(cb: unknown): void }).getICECandidatePairs(cb),
    );
    expect(pairs[0]?.remoteCandidate).toMatch(/typ prflx/);
    await until(() => ep.peer?.pc.connectionState === 'connected', 5000, 'server side connected');

    const vpt =
      pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const video = pump(pub.video, 'video', { size: 500, everyMs: 10, payloadType: vpt });
    ctx.cleanups.push(() => video.stop());
    await until(() => viewer.videoPackets() >= 20, 10_000, 'video at the mDNS viewer');
  });

  it('connects when the server made the offer and the answer has only mDNS candidates', async () => {
    await holdMdnsPort();
    const pipeline = await ctx.pipeline();
    const ep = await ctx.endpoint(pipeline);
    const pc = loopbackPeer();
    ctx.cleanups.push(() => pc.close());
    ep.on('IceCandidateFound', (e) => {
      void pc.addIceCandidate(e['candidate'] as { candidate: string; sdpMid: string });
    });
    const offer = await k<string>((cb) => ep.generateOffer(cb));
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = obfuscate(pc.localDescription?.sdp ?? '', new Map());
    expect(answer).toMatch(/a=candidate:\S+ 1 udp \d+ [0-9a-f-]{36}\.local \d+ typ host/);
    expect(answer).toContain('a=end-of-candidates');
    await k((cb) => ep.processAnswer(answer, cb));
    await k((cb) => ep.gatherCandidates(cb));
    await waitConnected(pc);
    const server = ctx.server.registry.lookup(ep.id) as WebRtcEndpoint;
    const nominated = server.peer?.pc.iceTransports[0]?.connection.nominated;
    expect(nominated?.remoteCandidate.type).toBe('prflx');
    await until(() => server.peer?.pc.connectionState === 'connected', 5000, 'server connected');
  });

  it('recognises mDNS candidate strings', () => {
    expect(
      isMdnsCandidate(
        'candidate:1 1 udp 2122260223 0b2f7b4c-1234-4bcd-9abc-1234567890ab.local 54321 typ host generation 0',
      ),
    ).toBe(true);
    expect(isMdnsCandidate('a=candidate:1 1 udp 2122260223 host-1.LOCAL 54321 typ host')).toBe(
      true,
    );
    expect(isMdnsCandidate('candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host')).toBe(false);
    expect(isMdnsCandidate('candidate:1 1 udp 1686052607 203.0.113.7 3478 typ srflx')).toBe(false);
    expect(isMdnsCandidate('')).toBe(false);
  });
});
