import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { noDevicesScript } from './noDevices';

export interface JoinOptions {
  /** Start with the camera / microphone off (chosen on the prejoin screen). */
  cameraOff?: boolean;
  micOff?: boolean;
  /** The browser reports no camera and no microphone at all (receive only). */
  noDevices?: boolean;
  /**
   * The person denied camera and microphone: the context grants no permission, so getUserMedia
   * fails with NotAllowedError and Chromium hides its host addresses behind mDNS `.local` names
   * (the media server connects such a viewer through peer-reflexive candidates).
   */
  denyPermission?: boolean;
  /** An init script for this participant's page (runs before the app's own scripts). */
  beforeJoin?: () => void;
  /** The room id as written in the link this person opens (default: the test's `roomId`). */
  linkRoomId?: string;
  /** A join token on the link (`?token=`), as an embedding product makes it. */
  token?: string;
}

export interface Participant {
  name: string;
  page: Page;
  context: BrowserContext;
}

interface Fixtures {
  roomId: string;
  /** Opens a new BrowserContext (one person), goes through prejoin and joins the room. */
  addParticipant: (name: string, options?: JoinOptions) => Promise<Participant>;
}

export const test = base.extend<Fixtures>({
  roomId: async ({}, provide, testInfo) => {
    const slug = testInfo.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 32);
    await provide(`e2e-${slug}-${Date.now().toString(36)}`);
  },
  addParticipant: async ({ browser, baseURL, roomId, viewport }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (name, options = {}) => {
      // Granted unless the test denies it (denyPermission): a context without the permission
      // gathers no ICE candidate at all in a loopback-only namespace (see receive-only.spec.ts).
      const context = await browser.newContext({
        baseURL,
        viewport,
        permissions: options.denyPermission ? [] : ['camera', 'microphone'],
      });
      contexts.push(context);
      const page = await context.newPage();
      if (options.noDevices) await page.addInitScript(noDevicesScript);
      if (options.beforeJoin) await page.addInitScript(options.beforeJoin);
      const query = options.token ? `?token=${encodeURIComponent(options.token)}` : '';
      await page.goto(`/room/${options.linkRoomId ?? roomId}${query}`);
      // Devices checked (so the page is hydrated and the form is live), then type.
      // Opening the fake devices takes seconds when Chromium pages crowd the two cores.
      await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true', {
        timeout: 60_000,
      });
      await page.getByTestId('prejoin_name').fill(name);
      const join = page.getByTestId('prejoin_join');
      await expect(join).toBeEnabled();
      if (options.cameraOff) await page.getByTestId('prejoin_camera').click();
      if (options.micOff) await page.getByTestId('prejoin_mic').click();
      await join.click();
      await expect(page.getByTestId('tile_local')).toBeVisible({ timeout: 60_000 });
      return { name, page, context };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect };
