/**
 * Bandwidth that fits the room (issue 16), before and after: an N-person call in real Chromium
 * (each page a 1280×720 window showing everyone in the grid), measured over a window once every
 * page decodes everyone: video bytes every camera sends, the width it encodes at, and the
 * browsers' CPU. "before" is the same app with its senders deaf to `quality:target` (an init
 * script makes `setParameters` keep full size and no bitrate cap); "after" is the app as shipped.
 *
 *   npx tsx bench/network-fit.ts --url http://127.0.0.1:3321 [--people 6] [--seconds 20]
 *   npx tsx bench/network-fit.ts --root <a built app dir>     (starts its `node dist/server.js`)
 */
import { parseArgs } from 'node:util';

import type { Browser, Page } from '@playwright/test';

import { cpuMeter } from './join/cpu';
import { launchChromium } from './join/browser';
import { startAppServer } from './join/app-server';
import { machineInfo, machineMarkdown } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { commandLine, table, upsertSection, writeJson } from './lib/report';
import { median, round } from './lib/stats';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    root: { type: 'string' },
    people: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '20' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

// In-page code as strings: tsx's compiled functions carry helpers that do not exist in the page.
const CAPTURE = `(() => {
  const pcs = [];
  window.__benchPcs = pcs;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(c) { super(c); pcs.push(this); }
  };
})();`;

/** "before": every sender keeps full resolution and no bitrate cap, whatever it is asked. */
const DEAF = `(() => {
  const native = RTCRtpSender.prototype.setParameters;
  RTCRtpSender.prototype.setParameters = function (p, ...rest) {
    for (const e of p.encodings || []) { e.scaleResolutionDownBy = 1; delete e.maxBitrate; }
    return native.call(this, p, ...rest);
  };
})();`;

const SENDING = `(async () => {
  let bytes = 0, frameWidth = 0;
  for (const pc of window.__benchPcs) {
    if (pc.signalingState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') { bytes += s.bytesSent; frameWidth = s.frameWidth || 0; }
    });
  }
  return { bytes, frameWidth };
})()`;

const DECODING = `[...document.querySelectorAll('[data-testid="tile_remote"] [data-testid="tile_video"]')]
  .filter((v) => v.videoWidth > 0).length`;

interface Sending {
  bytes: number;
  frameWidth: number;
}

interface ModeResult {
  mode: 'before' | 'after';
  /** Sum over all cameras, kbit/s. */
  totalKbps: number;
  /** Median camera's encoded width at the end of the window. */
  medianFrameWidth: number;
  /** Chromium (every page) CPU-seconds per second. */
  browserCpu: number;
  machineCpu: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function join(browser: Browser, url: string, room: string, name: string, deaf: boolean) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    permissions: ['camera', 'microphone'],
    // The strings above are evaluated in the page, which the app's CSP forbids.
    bypassCSP: true,
  });
  const page = await context.newPage();
  await page.addInitScript({ content: CAPTURE });
  if (deaf) await page.addInitScript({ content: DEAF });
  // A development server compiles the page on the first visit.
  await page.goto(`${url}/room/${encodeURIComponent(room)}`, { timeout: 120_000 });
  await page.getByTestId('prejoin_name').fill(name);
  await page.waitForFunction(
    `!document.querySelector('[data-testid="prejoin_join"]')?.disabled`,
    undefined,
    { timeout: 60_000 },
  );
  await page.getByTestId('prejoin_join').click();
  return page;
}

async function sending(page: Page): Promise<Sending> {
  return (await page.evaluate(SENDING)) as Sending;
}

async function run(
  url: string,
  mode: 'before' | 'after',
  options: { people: number; seconds: number; serverPids: number[] },
): Promise<ModeResult> {
  const { people, seconds } = options;
  const browser = await launchChromium();
  try {
    const room = `fit-${mode}-${Date.now().toString(36)}`;
    const pages: Page[] = [];
    for (let i = 0; i < people; i += 1) {
      pages.push(await join(browser, url, room, `P${i + 1}`, mode === 'before'));
    }
    const deadline = Date.now() + 120_000;
    for (;;) {
      const decoding = await Promise.all(pages.map((p) => p.evaluate(DECODING) as Promise<number>));
      if (decoding.every((n) => n >= people - 1)) break;
      if (Date.now() > deadline) throw new Error(`not everyone decodes everyone: ${decoding}`);
      await sleep(500);
    }
    // Targets settle (tile sizes reported, encoders adapted) before the window.
    await sleep(5000);
    const start = await Promise.all(pages.map(sending));
    // The app server, when it is this tool's child, is not the browsers' CPU.
    const cpu = cpuMeter(options.serverPids);
    await sleep(seconds * 1000);
    const end = await Promise.all(pages.map(sending));
    const share = cpu();
    const bits = end.reduce((sum, e, i) => sum + (e.bytes - (start[i]?.bytes ?? 0)) * 8, 0);
    const result: ModeResult = {
      mode,
      totalKbps: round(bits / share.seconds / 1000, 0),
      medianFrameWidth: median(end.map((e) => e.frameWidth)),
      browserCpu: round(share.browsers, 2),
      machineCpu: round(share.machine, 2),
    };
    return result;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  ensureLoopbackOnly();
  const people = Number(values.people);
  const seconds = Number(values.seconds);
  const server = values.url ? undefined : await startAppServer(values.root);
  const url = values.url ?? server?.url ?? '';
  try {
    const results: ModeResult[] = [];
    for (const mode of ['before', 'after'] as const) {
      console.log(`${mode}: ${people} people, ${seconds} s window`);
      results.push(
        await run(url, mode, { people, seconds, serverPids: server ? [server.pid] : [] }),
      );
      console.log(JSON.stringify(results.at(-1)));
    }
    const machine = machineInfo();
    const md = [
      `## Bitrate fitting, ${people} people (issue 16)`,
      '',
      `\`${commandLine()}\``,
      '',
      machineMarkdown(machine),
      '',
      table(
        [
          'mode',
          'video sent, all cameras (kbit/s)',
          'median encoded width',
          'Chromium CPU-s/s',
          'machine CPU-s/s',
        ],
        results.map((r) => [r.mode, r.totalKbps, r.medianFrameWidth, r.browserCpu, r.machineCpu]),
      ),
      '',
      'Every page is a 1280×720 window showing the others in the grid. "before": senders ignore ' +
        '`quality:target` (full 720p, no cap); "after": as shipped. Chromium CPU is every page of the ' +
        'one browser (fake cameras capture and encode at 720p in both modes).',
    ].join('\n');
    writeJson('network-fit', { machine, people, seconds, results });
    if (!values['no-markdown']) upsertSection('network-fit', md);
    console.log(md);
  } finally {
    await server?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
