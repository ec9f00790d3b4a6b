/**
 * A two-person call for the network benchmarks: "steady" in the benchmark's own namespace, "mobile"
 * in the client namespace (topology.ts), both in real Chromium with fake camera and microphone.
 * What they see is read the way the e2e suite reads it: decoded frames of the remote tile, and
 * the inbound-rtp stats of every RTCPeerConnection the page made.
 */
import { type Browser, chromium, type Page } from '@playwright/test';

import { chromiumArgs } from '../../e2e/chromiumArgs';

// In-page code as strings: tsx's compiled functions carry helpers that do not exist in the page.
/**
 * With BENCH_NET_DEBUG: every connection's and socket's state changes, and the start of every
 * signaling frame either way, on the console (where a recovery spends its time).
 */
const TRACE = `(() => {
  const Native = window.RTCPeerConnection;
  let n = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(c) {
      super(c);
      const id = ++n;
      console.log('pc' + id + ' new');
      this.addEventListener('connectionstatechange', () => console.log('pc' + id + ' ' + this.connectionState));
      this.addEventListener('icecandidate', (e) => { if (e.candidate) console.log('pc' + id + ' candidate ' + e.candidate.type + ' ' + e.candidate.address); });
      let last = '';
      const timer = setInterval(async () => {
        if (this.connectionState === 'closed') { clearInterval(timer); return; }
        const stats = await this.getStats();
        let line = '';
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') line += ' in: packets ' + s.packetsReceived + ' decoded ' + s.framesDecoded + ' key ' + s.keyFramesDecoded + ' pli ' + s.pliCount;
          if (s.type === 'outbound-rtp' && s.kind === 'video') line += ' out: packets ' + s.packetsSent + ' frames ' + s.framesEncoded + ' key ' + s.keyFramesEncoded + ' pli ' + s.pliCount;
          if (s.type === 'transport') line += ' transport: in ' + s.bytesReceived + ' B, dtls ' + s.dtlsState + ', pair ' + s.selectedCandidatePairId;
        });
        if (line !== last) console.log('pc' + id + line);
        last = line;
      }, 500);
    }
  };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(u, p) {
      super(u, p);
      console.log('ws new');
      this.addEventListener('message', (e) => console.log('ws recv ' + String(e.data).slice(0, 60)));
      this.addEventListener('open', () => console.log('ws open'));
      this.addEventListener('close', (e) => console.log('ws close ' + e.code));
    }
    send(d) { console.log('ws send ' + String(d).slice(0, 60)); super.send(d); }
  };
})();`;

const CAPTURE = `(() => {
  const pcs = [];
  window.__benchPcs = pcs;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(c) { super(c); pcs.push(this); }
  };
})();`;

export interface InboundVideo {
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  framesPerSecond: number;
  packetsLost: number;
  packetsReceived: number;
  nackCount: number;
  pliCount: number;
}

export interface InboundAudio {
  concealedSamples: number;
  totalSamplesReceived: number;
}

export async function launch(executablePath: string, origin: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // getUserMedia needs a secure context; the server's address is not loopback here.
    args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
  });
}

export async function join(
  browser: Browser,
  url: string,
  room: string,
  name: string,
  /** in-page code run before the app's own (a probe's instrumentation) */
  initScript?: string,
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    permissions: ['camera', 'microphone'],
    // Our waits are strings evaluated in the page, which the app's CSP (no 'unsafe-eval') forbids.
    bypassCSP: true,
  });
  const page = await context.newPage();
  if (process.env.BENCH_NET_DEBUG) {
    page.on('console', (m) => console.log(`${new Date().toISOString()} [${name}] ${m.text()}`));
    await page.addInitScript({ content: TRACE });
  }
  await page.addInitScript({ content: CAPTURE });
  if (initScript) await page.addInitScript({ content: initScript });
  await page.goto(`${url}/room/${encodeURIComponent(room)}`);
  await page.getByTestId('prejoin_name').fill(name);
  await page.waitForFunction(
    `!document.querySelector('[data-testid="prejoin_join"]')?.disabled`,
    undefined,
    { timeout: 30_000 },
  );
  await page.getByTestId('prejoin_join').click();
  return page;
}

/** Frames decoded so far in the tile of `name` (0 while it shows no picture). */
export async function framesOf(page: Page, name: string): Promise<number> {
  const value: unknown = await page.evaluate(`(() => {
    const v = document.querySelector('[data-testid="tile_remote"][data-name="${name}"] [data-testid="tile_video"]');
    return v && v.videoWidth > 0 ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  })()`);
  return typeof value === 'number' ? value : 0;
}

/** Sums of every inbound video and audio stream the page receives. */
export interface PathFigures {
  /** the largest `currentRoundTripTime` of the pages' selected candidate pairs, ms (STUN) */
  rttMs: number;
  /** the largest inbound video `jitter`, ms (RFC 3550 interarrival jitter) */
  jitterMs: number;
}

export async function inboundStats(
  page: Page,
): Promise<{ video: InboundVideo; audio: InboundAudio; path: PathFigures }> {
  const raw: unknown = await page.evaluate(`(async () => {
    const video = { framesDecoded: 0, freezeCount: 0, totalFreezesDuration: 0, framesPerSecond: 0,
      packetsLost: 0, packetsReceived: 0, nackCount: 0, pliCount: 0 };
    const audio = { concealedSamples: 0, totalSamplesReceived: 0 };
    const path = { rttMs: 0, jitterMs: 0 };
    for (const pc of window.__benchPcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number')
          path.rttMs = Math.max(path.rttMs, s.currentRoundTripTime * 1000);
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video' && typeof s.jitter === 'number')
          path.jitterMs = Math.max(path.jitterMs, s.jitter * 1000);
        const into = s.kind === 'video' ? video : audio;
        for (const k of Object.keys(into)) if (typeof s[k] === 'number') into[k] += s[k];
      });
    }
    return { video, audio, path };
  })()`);
  return raw as { video: InboundVideo; audio: InboundAudio; path: PathFigures };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the time (ms from now) at which `name`'s tile on `page` has decoded `frames` more. */
export async function untilFramesGrow(
  page: Page,
  name: string,
  frames: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let base = await framesOf(page, name);
  let last = base;
  while (performance.now() - started < timeoutMs) {
    const now = await framesOf(page, name);
    // A recovery may bring a new tile or stream, whose count starts again at 0: all of its
    // frames are new ones.
    if (now < last) base = 0;
    last = now;
    if (now >= base + frames) return performance.now() - started;
    await sleep(50);
  }
  throw new Error(`${name}'s video did not come back within ${timeoutMs} ms`);
}

/**
 * Watches `name`'s tile on `page` for `ms`: the longest time its frame count stood still, and when
 * (ms from now) decoding last resumed after a stall of at least `stallMs` (0: none; 1 s: a loaded
 * machine pauses a 20 fps picture for half a second now and then). A recovery
 * that brings video back on connections about to be replaced shows here as a second stall.
 */
export async function watchStalls(
  page: Page,
  name: string,
  ms: number,
  stallMs = 1000,
): Promise<{ longestMs: number; lastResumedMs: number }> {
  const started = performance.now();
  let last = await framesOf(page, name);
  let stillSince = started;
  let longestMs = 0;
  let lastResumedMs = 0;
  while (performance.now() - started < ms) {
    await sleep(100);
    const frames = await framesOf(page, name);
    const now = performance.now();
    if (frames !== last) {
      const still = now - stillSince;
      longestMs = Math.max(longestMs, still);
      if (still >= stallMs) lastResumedMs = now - started;
      stillSince = now;
      last = frames;
    }
  }
  longestMs = Math.max(longestMs, performance.now() - stillSince);
  return { longestMs, lastResumedMs };
}
