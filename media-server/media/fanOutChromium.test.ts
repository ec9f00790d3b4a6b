import fs from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { KEndpoint } from '../test/kurento';
import { k, kurento } from '../test/kurento';
import { useMediaServer } from '../test/env';

// The forwarding threads are what this file checks: on (and taking every packet, not only under
// load) before fanOut.ts starts its pool at import.
vi.hoisted(() => {
  process.env['MEDIA_WORKERS'] ??= '2';
  process.env['MEDIA_WORKERS_ENGAGE'] ??= 'always';
});

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const args = [
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
  '--autoplay-policy=no-user-gesture-required',
];

interface AudioIn {
  packets: number;
  bytes: number;
  level: number;
  energy: number;
  ssrcLevel: number | null;
}

/**
 * e2e/layout.spec.ts's speaker test without the app: a Chromium publisher whose microphone starts
 * disabled (silence packets), a Chromium viewer that joins during the silence, then the unmute;
 * the viewer must decode the publisher's audio (its level rises). On the forwarding threads it
 * passes (session 8): the threads deliver such audio. Skipped unless `MEDIA_TEST_CHROMIUM_UNMUTE=1`
 * (two Chromium pages for about a minute: on demand, not in every run) or without Chromium.
 */
const wanted = process.env['MEDIA_TEST_CHROMIUM_UNMUTE'] === '1' && fs.existsSync(executablePath);

describe.skipIf(!wanted)('Chromium: unmute after a silent start', () => {
  const ctx = useMediaServer();

  async function peer(browser: Browser, ep: KEndpoint, role: 'send' | 'recv'): Promise<Page> {
    const page = await browser.newPage();
    ctx.cleanups.push(() => page.close());
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
          const el = document.createElement(e.track.kind === 'video' ? 'video' : 'audio');
          el.autoplay = true;
          el.srcObject = new MediaStream([e.track]);
          document.body.append(el);
        };
        return pc;
      };
    });
    await page.goto(ctx.server.url.replace('ws://', 'http://'));
    const IceCandidate = kurento.getComplexType('IceCandidate');
    await page.exposeFunction(
      'toServer',
      (c: { candidate: string; sdpMid: string; sdpMLineIndex: number }) => {
        ep.addIceCandidate(IceCandidate(c), () => undefined);
      },
    );
    ep.on('IceCandidateFound', (e) => {
      void page.evaluate(
        (c) => (window as unknown as { pc?: RTCPeerConnection }).pc?.addIceCandidate(c),
        e['candidate'] as RTCIceCandidateInit,
      );
    });
    const offer = await page.evaluate(async (r) => {
      const w = window as unknown as { newPc(): RTCPeerConnection; mic?: MediaStreamTrack };
      const pc = w.newPc();
      if (r === 'send') {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const t of stream.getTracks()) {
          if (t.kind === 'audio') {
            t.enabled = false;
            w.mic = t;
          }
          pc.addTransceiver(t, { direction: 'sendonly' });
        }
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

  function audioIn(page: Page): Promise<AudioIn> {
    return page.evaluate(async () => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      const r: AudioIn = { packets: 0, bytes: 0, level: 0, energy: 0, ssrcLevel: null };
      const t = pc.getTransceivers().find((x) => x.receiver.track.kind === 'audio');
      const src = t?.receiver.getSynchronizationSources()[0];
      r.ssrcLevel = src?.audioLevel ?? null;
      const stats = await pc.getStats();
      stats.forEach(
        (s: {
          type: string;
          kind?: string;
          packetsReceived?: number;
          bytesReceived?: number;
          audioLevel?: number;
          totalAudioEnergy?: number;
        }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            r.packets = s.packetsReceived ?? 0;
            r.bytes = s.bytesReceived ?? 0;
            r.level = s.audioLevel ?? 0;
            r.energy = s.totalAudioEnergy ?? 0;
          }
        },
      );
      return r;
    });
  }

  it(
    'a viewer who joined during the silence hears the publisher unmute',
    { timeout: 90_000 },
    async () => {
      const browser = await chromium.launch({ executablePath, args });
      ctx.cleanups.push(() => browser.close());
      const pipeline = await ctx.pipeline();
      const pubEp = await ctx.endpoint(pipeline);
      const viewEp = await ctx.endpoint(pipeline);
      const pub = await peer(browser, pubEp, 'send');
      await k((cb) => pubEp.connect(viewEp, cb));
      const viewer = await peer(browser, viewEp, 'recv');
      await expect
        .poll(() => audioIn(viewer).then((a) => a.packets), { timeout: 30_000 })
        .toBeGreaterThan(50);
      await new Promise((r) => setTimeout(r, 3000));
      const silent = await audioIn(viewer);
      expect(silent.level).toBeLessThan(0.04);
      await pub.evaluate(() => {
        const w = window as unknown as { mic?: MediaStreamTrack };
        if (w.mic) w.mic.enabled = true;
      });
      await expect
        .poll(
          async () => {
            const now = await audioIn(viewer);
            return Math.max(now.level, now.ssrcLevel ?? 0);
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toBeGreaterThan(0.04);
    },
  );
});
