import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** Sum of inbound-rtp audio bytes over the page's connections (needs captureConnectionsScript). */
export async function inboundAudioBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    let bytes = 0;
    for (const pc of all) {
      if (pc.signalingState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((report: { type: string; kind?: string; bytesReceived?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') {
          bytes += report.bytesReceived ?? 0;
        }
      });
    }
    return bytes;
  });
}

/** Audio bytes keep arriving at `page` (they grow between two looks). */
export async function expectAudioFlowing(page: Page): Promise<void> {
  const start = await inboundAudioBytes(page);
  await expect
    .poll(() => inboundAudioBytes(page), { timeout: 60_000 })
    .toBeGreaterThan(start + 2000);
}

/**
 * No audio bytes arrive at `page` any more: two looks 1.5 s apart see the same count. Polled, so
 * packets still in flight when the media server cut the audio do not fail it.
 */
export async function expectAudioStopped(page: Page): Promise<void> {
  let last = await inboundAudioBytes(page);
  await expect
    .poll(
      async () => {
        await page.waitForTimeout(1500);
        const now = await inboundAudioBytes(page);
        const settled = now === last;
        last = now;
        return settled;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** Opens the people panel (if closed) and returns the row of `name`. */
export async function personRow(page: Page, name: string) {
  const panel = page.getByTestId('people_panel');
  if (!(await panel.isVisible())) await page.getByTestId('control_people').click();
  return panel.getByTestId('people_all').locator(`[data-testid="person"][data-name="${name}"]`);
}

/** Opens `name`'s host menu in the people panel and picks `action` (a test id). */
export async function hostAction(page: Page, name: string, action: string): Promise<void> {
  const row = await personRow(page, name);
  await row.getByTestId('person_menu').click();
  await row.getByTestId(action).click();
}

/**
 * A person who opens the room and clicks Join but may not get in (lobby, password, lock,
 * removal): the call screen is not awaited. Their context is closed with `closeAll`.
 */
export function doorKnocker(browser: Browser, baseURL: string | undefined) {
  const contexts: BrowserContext[] = [];
  return {
    async knock(
      roomId: string,
      name: string,
      options: { beforeJoin?: () => void; beforeGoto?: (page: Page) => Promise<void> } = {},
    ): Promise<Page> {
      const context = await browser.newContext({ baseURL, permissions: ['camera', 'microphone'] });
      contexts.push(context);
      const page = await context.newPage();
      if (options.beforeJoin) await page.addInitScript(options.beforeJoin);
      if (options.beforeGoto) await options.beforeGoto(page);
      await page.goto(`/room/${roomId}`);
      // Opening devices takes long on a loaded machine (the third or fourth Chromium context).
      await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true', {
        timeout: 60_000,
      });
      await page.getByTestId('prejoin_name').fill(name);
      await page.getByTestId('prejoin_join').click();
      return page;
    },
    async closeAll(): Promise<void> {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
  };
}
