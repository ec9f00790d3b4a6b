/** Chromium with the e2e suite's flags, and the pages of one call. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';

import { chromiumArgs } from '../../e2e/chromiumArgs';
import { chromiumPath } from '../lib/machine';
import type { ProbeEvent } from './phases';

const probeScript = readFileSync(path.join(import.meta.dirname, 'page-probe.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
}

export interface CallPage {
  context: BrowserContext;
  page: Page;
}

/**
 * For the participants already in the room (the "clean room" of issue 18): the cheapest camera
 * that still sends real VP8 for the joiner to decode. Chromium's fake camera renders and encodes
 * at what getUserMedia asks for, so asking for 160×120 at 15 fps makes N − 1 encoders (and the
 * decoders of the others' streams) cost little, and a 2-core machine measures Moim, not Chromium.
 * Only the bench's pages get it; the app is unchanged.
 */
const lowCostCamera = `(() => {
  const md = navigator.mediaDevices;
  const original = md.getUserMedia.bind(md);
  const small = { width: { ideal: 160 }, height: { ideal: 120 }, frameRate: { ideal: 15 } };
  md.getUserMedia = (c) => {
    if (c && c.video) c = { ...c, video: { ...(typeof c.video === 'object' ? c.video : {}), ...small } };
    return original(c);
  };
})();`;

export interface PrejoinOptions {
  /** a participant already in the room: the low-cost camera above */
  lowCost?: boolean;
}

/** Opens the room's prejoin screen with the probe installed and the name filled in. */
export async function openPrejoin(
  browser: Browser,
  url: string,
  roomId: string,
  name: string,
  options: PrejoinOptions = {},
): Promise<CallPage> {
  // The e2e suite's context: a 720p window, camera and microphone granted.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    permissions: ['camera', 'microphone'],
    // The probe's waits are strings evaluated in the page, which the app's CSP (no 'unsafe-eval')
    // forbids; the app itself runs as it does for everyone.
    bypassCSP: true,
  });
  const page = await context.newPage();
  await page.addInitScript({ content: probeScript });
  if (options.lowCost) await page.addInitScript({ content: lowCostCamera });
  // A loaded 2-core machine can take tens of seconds to load a page (its first compile is done).
  await page.goto(`${url}/room/${encodeURIComponent(roomId)}`, { timeout: 90_000 });
  await page.getByTestId('prejoin_name').fill(name);
  await page.getByTestId('prejoin_join').waitFor({ state: 'visible' });
  await page.waitForFunction(
    `!document.querySelector('[data-testid="prejoin_join"]')?.disabled`,
    undefined,
    { timeout: 60_000 },
  );
  return { context, page };
}

/**
 * Waits until what the prejoin screen prepares before the click (issue 18: socket, connections,
 * offers) is ready, as a person who typed their name would have given it time to. Builds without
 * a prepare have no `data-prepared`, and go on at once.
 */
export async function waitPrepared(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    `(document.querySelector('[data-testid="prejoin"]')?.dataset.prepared ?? 'none') !== 'pending'`,
    undefined,
    { timeout: timeoutMs, polling: 20 },
  );
}

// In-page code is passed as strings: tsx compiles functions with `__name(...)` helpers that do not
// exist in the page.
const EVENTS = 'window.__moimBench.events';

export async function probeEvents(page: Page): Promise<ProbeEvent[]> {
  const events: unknown = await page.evaluate(EVENTS);
  if (!Array.isArray(events)) throw new Error('the page probe is not installed');
  return events as ProbeEvent[];
}

/** Waits until the page has decoded a frame from `remotes` remote participants. */
export async function waitForRemoteFrames(
  page: Page,
  remotes: number,
  timeoutMs: number,
): Promise<void> {
  await page.waitForFunction(
    `new Set(${EVENTS}.filter((e) => e.kind === 'frame' || e.kind === 'decoded').map((e) => e.pc)).size >= ${remotes}`,
    undefined,
    { timeout: timeoutMs, polling: 20 },
  );
}

/** Waits until my own (sendonly) connection is up, i.e. I am publishing. */
export async function waitPublishing(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    `${EVENTS}.some((e) => e.kind === 'pc:conn' && e.state === 'connected')`,
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
}
