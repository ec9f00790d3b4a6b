import fs from 'node:fs';
import os from 'node:os';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { WebRtcEndpoint } from './objects/WebRtcEndpoint';
import type { KEndpoint } from './test/kurento';
import { k, kurento } from './test/kurento';
import { useMediaServer } from './test/env';

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Chromium without camera/microphone permission (mDNS obfuscation on) creates no ICE candidate at
 * all when the machine has nothing but loopback: its RTCPeerConnection stays "gathering", sends no
 * packet and never reaches the server. With any other interface present it gathers (its host
 * candidates hidden) and reaches us from 127.0.0.1. A loopback-only namespace needs one, e.g.
 * `ip link add v0 type veth peer name v1 && ip addr add 10.9.9.9/24 dev v0 && ip link set v0 up
 * && ip link set v1 up` (the media still flows on loopback: the server announces 127.0.0.1).
 */
const hasNonLoopbackInterface = Object.values(os.networkInterfaces()).some((list) =>
  (list ?? []).some((i) => !i.internal),
);

const chromiumArgs = [
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
];

/**
 * Real Chromium against the server, the way the app uses it: a sendonly publisher (fake camera and
 * microphone) and a recvonly viewer connected through kurento-client. Proves the answers are ones
 * Chromium accepts (bundle, rtcp-mux, msid, codecs) and that its SRTP and keyframes get through.
 * Skipped where Chromium is not installed (npm test installs Debian's package first).
 */
describe.skipIf(!fs.existsSync(executablePath))('Chromium interop', () => {
  const ctx = useMediaServer();
  /** Candidate strings each page trickled to the server. */
  const signalledBy = new Map<Page, string[]>();

  /**
   * `recv-denied`: a viewer in its own browser context where camera and microphone are denied, as
   * for a person who refused the permission prompt; Chromium then hides its host addresses behind
   * mDNS names and the server only learns its address from its connectivity checks (prflx).
   */
  async function peer(
    browser: Browser,
    ep: KEndpoint,
    role: 'send' | 'recv' | 'recv-denied',
  ): Promise<Page> {
    let page: Page;
    if (role === 'recv-denied') {
      const context = await browser.newContext({ permissions: [] });
      ctx.cleanups.push(() => context.close());
      page = await context.newPage();
    } else {
      page = await browser.newPage();
      ctx.cleanups.push(() => page.close());
    }
    await wire(page, ep);
    const offer = await page.evaluate(async (r) => {
      const pc = (window as unknown as { newPc(): RTCPeerConnection }).newPc();
      if (r === 'send') {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly' });
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
      await pc.setLocalDescription();
      return pc.localDescription?.sdp ?? '';
    }, role);
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

  /**
   * A viewer that answers the media server's offer (`generateOffer`, as Kurento applications that
   * offer do): Chromium is then the DTLS client and the media server the DTLS server.
   */
  async function answeringViewer(browser: Browser, ep: KEndpoint): Promise<Page> {
    const page = await browser.newPage();
    ctx.cleanups.push(() => page.close());
    await wire(page, ep);
    const offer = await k<string>((cb) => ep.generateOffer(cb));
    const answer = await page.evaluate(async (sdp) => {
      const pc = (window as unknown as { newPc(): RTCPeerConnection }).newPc();
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription();
      return pc.localDescription?.sdp ?? '';
    }, offer);
    await k((cb) => ep.processAnswer(answer, cb));
    await k((cb) => ep.gatherCandidates(cb));
    return page;
  }

  /**
   * Opens `page` on the media server and gives it `newPc()`: an RTCPeerConnection (as
   * `window.pc`) whose candidates trickle to `ep` and whose video is shown; `ep`'s candidates
   * trickle back.
   */
  async function wire(page: Page, ep: KEndpoint): Promise<void> {
    await page.addInitScript(() => {
      const w = window as unknown as {
        pc?: RTCPeerConnection;
        newPc(): RTCPeerConnection;
        toServer(c: unknown): Promise<void>;
      };
      w.newPc = () => {
        const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
        w.pc = pc;
        pc.onicecandidate = (e) => {
          if (e.candidate) void w.toServer(e.candidate.toJSON());
        };
        pc.ontrack = (e) => {
          if (e.track.kind !== 'video') return;
          const v = document.createElement('video');
          v.muted = true;
          v.autoplay = true;
          v.srcObject = e.streams[0] ?? new MediaStream([e.track]);
          document.body.append(v);
        };
        return pc;
      };
    });
    // getUserMedia needs a secure context; http://127.0.0.1 is one (the media server's plain
    // HTTP answer is enough of a page).
    await page.goto(ctx.server.url.replace('ws://', 'http://'));
    const IceCandidate = kurento.getComplexType('IceCandidate');
    const signalled: string[] = [];
    signalledBy.set(page, signalled);
    await page.exposeFunction(
      'toServer',
      (c: { candidate: string; sdpMid: string; sdpMLineIndex: number }) => {
        signalled.push(c.candidate);
        ep.addIceCandidate(IceCandidate(c), () => undefined);
      },
    );
    ep.on('IceCandidateFound', (e) => {
      void page.evaluate(
        (c) => (window as unknown as { pc?: RTCPeerConnection }).pc?.addIceCandidate(c),
        e['candidate'] as RTCIceCandidateInit,
      );
    });
  }

  /** Chromium publisher → SFU → Chromium viewer; resolves once the viewer shows a frame. */
  async function publishAndView(viewerRole: 'recv' | 'recv-denied' | 'answer') {
    const browser = await chromium.launch({ executablePath, args: chromiumArgs });
    ctx.cleanups.push(() => browser.close());
    const pipeline = await ctx.pipeline();
    const pubEp = await ctx.endpoint(pipeline);
    const viewEp = await ctx.endpoint(pipeline);
    await peer(browser, pubEp, 'send');
    await k((cb) => pubEp.connect(viewEp, cb));
    const viewer =
      viewerRole === 'answer'
        ? await answeringViewer(browser, viewEp)
        : await peer(browser, viewEp, viewerRole);
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
    return { viewer, ep, firstFrameMs, frames };
  }

  it(
    'a Chromium viewer decodes a Chromium publisher through the SFU',
    { timeout: 60_000 },
    async () => {
      const { ep, firstFrameMs, frames } = await publishAndView('recv');
      const profile = (
        ep.peer?.pc.dtlsTransports[0]?.srtp as unknown as { localContext?: { profile: number } }
      )?.localContext?.profile;
      if (process.env['MEDIA_TEST_LOG'])
        console.info({ firstFrameMs, frames, srtpProfile: profile });
      expect(frames).toBeGreaterThan(0);
    },
  );

  it(
    'a Chromium viewer that answers the media server’s offer (DTLS client to our server) decodes',
    { timeout: 60_000 },
    async () => {
      const { ep, frames } = await publishAndView('answer');
      // We offered actpass and Chromium answered active: the media server was the DTLS server and
      // checked Chromium's CertificateVerify (media/dtlsSignatures.ts).
      expect(ep.peer?.pc.dtlsTransports[0]?.role).toBe('server');
      expect(frames).toBeGreaterThan(0);
    },
  );

  // Skipped on a loopback-only machine: see hasNonLoopbackInterface above.
  it.skipIf(!hasNonLoopbackInterface)(
    'a viewer that denied camera and microphone (mDNS, no usable candidate) connects peer-reflexive',
    { timeout: 60_000 },
    async () => {
      const { viewer, ep, firstFrameMs, frames } = await publishAndView('recv-denied');
      // Whatever it signalled, no candidate carried a usable address of the viewer…
      for (const c of signalledBy.get(viewer) ?? []) expect(c).toMatch(/\.local /);
      // …so the server reached it through the address its checks came from.
      const remote = ep.peer?.pc.iceTransports[0]?.connection.nominated?.remoteCandidate;
      if (process.env['MEDIA_TEST_LOG'])
        console.info({ firstFrameMs, frames, signalled: signalledBy.get(viewer), remote });
      expect(remote?.type).toBe('prflx');
      expect(frames).toBeGreaterThan(0);
    },
  );
});
