import type { RTCPeerConnection } from 'werift';
import { ProtectionProfileAes128CmHmacSha1_80 } from 'werift';
import { describe, expect, it } from 'vitest';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import { useMediaServer, until } from './test/env';
import { k } from './test/kurento';
import { loopbackPeer, publish, pump, trickle, view, waitConnected } from './test/peers';

/** The SRTP profile the DTLS handshake of a peer's first transport settled on. */
function negotiatedProfile(pc: RTCPeerConnection | undefined): number | undefined {
  const t = pc?.dtlsTransports[0] as unknown as
    { dtls?: { srtp: { srtpProfile?: number } } } | undefined;
  return t?.dtls?.srtp.srtpProfile;
}

/**
 * werift as DTLS server picks AEAD_AES_128_GCM when offered; the media server must end up on
 * AES_CM_128_HMAC_SHA1_80 (its cheap long-lived SrtpWriter path) with either DTLS role.
 */
describe('SRTP profile negotiation', () => {
  const ctx = useMediaServer();

  it('answers an offer as DTLS client and gets AES-CM from a werift DTLS server', async () => {
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    await k((cb) => pubEp.connect(viewEp, cb));
    const pub = await publish(pubEp);
    ctx.cleanups.push(() => pub.pc.close());
    const viewer = await view(viewEp);
    ctx.cleanups.push(() => viewer.pc.close());
    await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
    for (const pc of [pub.pc, viewer.pc]) {
      expect(pc.dtlsTransports[0]?.role).toBe('server');
      expect(negotiatedProfile(pc)).toBe(ProtectionProfileAes128CmHmacSha1_80);
    }
    const server = ctx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
    expect(negotiatedProfile(server.peer?.pc)).toBe(ProtectionProfileAes128CmHmacSha1_80);

    // And media still flows end to end on it.
    const vpt =
      pub.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    const video = pump(pub.video, 'video', { size: 1000, everyMs: 10, payloadType: vpt });
    ctx.cleanups.push(() => video.stop());
    await viewer.waitFor('video', 20);
  });

  it('picks AES-CM as DTLS server when it made the offer', async () => {
    const pipeline = await ctx.pipeline();
    const ep = await ctx.endpoint(pipeline);
    const pc = loopbackPeer();
    ctx.cleanups.push(() => pc.close());
    trickle(pc, ep);
    const offer = await k<string>((cb) => ep.generateOffer(cb));
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await k((cb) => ep.processAnswer(pc.localDescription?.sdp ?? '', cb));
    await k((cb) => ep.gatherCandidates(cb));
    await waitConnected(pc);
    expect(pc.dtlsTransports[0]?.role).toBe('client');
    const server = ctx.server.registry.lookup(ep.id) as WebRtcEndpoint;
    await until(() => server.peer?.pc.connectionState === 'connected', 5000, 'server connected');
    expect(negotiatedProfile(server.peer?.pc)).toBe(ProtectionProfileAes128CmHmacSha1_80);
    expect(negotiatedProfile(pc)).toBe(ProtectionProfileAes128CmHmacSha1_80);
  });
});
