import fs from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KEndpoint } from './test/kurento';
import { k, kurento } from './test/kurento';
import { useMediaServer } from './test/env';

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Real Chromium against the server, the way the app uses it: a sendonly publisher (fake camera and
 * microphone) and a recvonly viewer connected through kurento-client. Proves the answers are ones
 * Chromium accepts (bundle, rtcp-mux, msid, codecs) and that its SRTP and keyframes get through.
 */
describe.skipIf(!fs.existsSync(executablePath))('Chromium interop', () => {
  const ctx = useMediaServer();

  async function peer(browser: Browser, ep: KEndpoint, role: 'send' | 'recv'): Promise<Page> {
    const page = await browser.newPage();
    ctx.cleanups.push(() => page.close());
    // getUserMedia needs a secure context; http://127.0.0.1 is one (the media server's plain
    // HTTP answer is enough of a page).
    await page.goto(ctx.server.url.replace('ws://', 'http://'));
    const IceCandidate = kurento.getComplexType('IceCandidate');
    await page.exposeFunction(
      'toServer',
      (c: { candidate: string; sdpMid: string; sdpMLineIndex: number }) => {
        ep.addIceCandidate(IceCandidate(c), () => undefined);
      },
    );
    const offer = await page.evaluate(async (r) => {
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      (window as unknown as { pc: RTCPeerConnection }).pc = pc;
      pc.onicecandidate = (e) => {
        if (e.candidate)
          void (window as unknown as { toServer(c: unknown): void }).toServer(e.candidate.toJSON());
      };
      if (r === 'send') {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly' });
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.ontrack = (e) => {
          if (e.track.kind !== 'video') return;
          const v = document.createElement('video');
          v.muted = true;
          v.autoplay = true;
          v.srcObject = e.streams[0] ?? new MediaStream([e.track]);
          document.body.append(v);
        };
      }
      await pc.setLocalDescription();
      return pc.localDescription?.sdp ?? '';
    }, role);
    ep.on('IceCandidateFound', (e) => {
      void page.evaluate(
        (c) => (window as unknown as { pc: RTCPeerConnection }).pc.addIceCandidate(c),
        e['candidate'] as RTCIceCandidateInit,
      );
    });
    const answer = await k<string>((cb) => ep.processOffer(offer, cb));
    await page.evaluate(
      (sdp) =>
        (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription({
          type: 'answer',
          sdp,
        }),
      answer,
    );
    await k((cb) => ep.gatherCandidates(cb));
    return page;
  }

  it(
    'a Chromium viewer decodes a Chromium publisher through the SFU',
    { timeout: 60_000 },
    async () => {
      const browser = await chromium.launch({
        executablePath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          '--allow-loopback-in-peer-connection',
        ],
      });
      ctx.cleanups.push(() => browser.close());
      const pipeline = await ctx.pipeline();
      const pubEp = await ctx.endpoint(pipeline);
      const viewEp = await ctx.endpoint(pipeline);
      await peer(browser, pubEp, 'send');
      await k((cb) => pubEp.connect(viewEp, cb));
      const viewer = await peer(browser, viewEp, 'recv');
      const t0 = Date.now();
      await viewer.waitForFunction(
        () => {
          const v = document.querySelector('video');
          return !!v && v.videoWidth > 0;
        },
        undefined,
        { timeout: 30_000 },
      );
      const firstFrameMs = Date.now() - t0;
      const frames = await viewer.evaluate(async () => {
        const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
        const stats = await pc.getStats();
        let decoded = 0;
        stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') decoded = s.framesDecoded ?? 0;
        });
        return decoded;
      });
      const ep = ctx.server.registry.lookup(viewEp.id) as WebRtcEndpoint;
      const profile = (
        ep.peer?.pc.dtlsTransports[0]?.srtp as unknown as { localContext?: { profile: number } }
      )?.localContext?.profile;
      if (process.env['MEDIA_TEST_LOG'])
        console.info({ firstFrameMs, frames, srtpProfile: profile });
      expect(frames).toBeGreaterThan(0);
      expect(firstFrameMs).toBeLessThan(10_000);
    },
  );
});
