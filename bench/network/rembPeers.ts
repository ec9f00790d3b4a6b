/**
 * Chromium pages talking straight to a Kurento endpoint (no app): one sendonly publisher with the
 * fake camera, or a recvonly viewer, driven through kurento-client the way media-server's
 * chromium.test.ts does. For bench/network-remb.ts.
 */
import type { Browser, Page } from 'playwright-core';

import type { KEndpoint } from '../../media-server/test/kurento';
import { k, kurento } from '../../media-server/test/kurento';

// In-page code as a string: tsx's compiled functions carry helpers that do not exist in the page.
const PAGE = `(() => {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  window.__pc = pc;
  pc.onicecandidate = (e) => { if (e.candidate) window.toServer(e.candidate.toJSON()); };
  window.__offer = async (role) => {
    // Both roles ask for the camera: a page with that permission shows its host candidates
    // (no mDNS names), which is what reaches a media server on loopback.
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    if (role === 'send') {
      for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly' });
    } else {
      for (const t of stream.getTracks()) t.stop();
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.ontrack = (e) => {
        if (e.track.kind !== 'video') return;
        const v = document.createElement('video');
        v.muted = true; v.autoplay = true; v.srcObject = new MediaStream([e.track]);
        document.body.append(v);
      };
    }
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  };
  window.__stats = async () => {
    const s = await pc.getStats();
    const out = {};
    s.forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        out.bytesSent = r.bytesSent; out.frameWidth = r.frameWidth;
        out.targetBitrate = r.targetBitrate; out.limitation = r.qualityLimitationReason;
      }
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        out.framesDecoded = r.framesDecoded; out.freezeCount = r.freezeCount;
        out.nackCount = r.nackCount;
      }
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
        const remote = s.get(r.remoteCandidateId);
        out.serverPort = remote ? remote.port : undefined;
        out.availableOutgoingBitrate = r.availableOutgoingBitrate;
      }
    });
    return out;
  };
})()`;

export interface PageStats {
  bytesSent?: number;
  frameWidth?: number;
  targetBitrate?: number;
  limitation?: string;
  framesDecoded?: number;
  freezeCount?: number;
  nackCount?: number;
  serverPort?: number;
  availableOutgoingBitrate?: number;
}

/** Opens a page on `url` connected to `ep` as a publisher (`send`) or a viewer (`recv`). */
export async function chromiumPeer(
  browser: Browser,
  url: string,
  ep: KEndpoint,
  role: 'send' | 'recv',
): Promise<Page> {
  const page = await browser.newPage();
  // getUserMedia needs a secure context; http://127.0.0.1 is one.
  await page.goto(url);
  const IceCandidate = kurento.getComplexType('IceCandidate');
  await page.exposeFunction('toServer', (c: Record<string, unknown>) => {
    ep.addIceCandidate(IceCandidate(c), () => undefined);
  });
  await page.evaluate(PAGE);
  const offer = (await page.evaluate(`window.__offer(${JSON.stringify(role)})`)) as string;
  ep.on('IceCandidateFound', (e) => {
    void page.evaluate(`window.__pc.addIceCandidate(${JSON.stringify(e['candidate'])})`);
  });
  const answer = await k<string>((cb) => ep.processOffer(offer, cb));
  await page.evaluate(
    `window.__pc.setRemoteDescription(${JSON.stringify({ type: 'answer', sdp: answer })})`,
  );
  await k((cb) => ep.gatherCandidates(cb));
  return page;
}

export async function pageStats(page: Page): Promise<PageStats> {
  return (await page.evaluate('window.__stats()')) as PageStats;
}
