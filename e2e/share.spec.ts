import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

/**
 * Screen sharing in real Chromium. With `--use-fake-ui-for-media-stream` (e2e/chromiumArgs.ts)
 * `getDisplayMedia` needs no picker: it returns Chromium's fake 1280×720 "screen" and an audio track.
 */

/** The tile a person sees for `name`'s screen share. */
function screenTile(page: Page, name: string): Locator {
  return page.locator(`[data-testid="tile_screen"][data-name="${name}"]`);
}

/**
 * A share's picture decodes and keeps changing. A share is sent at 5 frames a second at most and
 * the encoder keeps its resolution by dropping frames when the CPU is short (text stays sharp), so
 * "growing" here is a few new frames, not the camera's ten.
 */
async function expectScreenDecoding(tile: Locator): Promise<void> {
  const video = tile.getByTestId('tile_video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  const count = () =>
    video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const start = await count();
  await expect.poll(count, { timeout: 40_000 }).toBeGreaterThan(start + 2);
}

/** The app's media objects (pipelines and endpoints) as its own /metrics counts them. */
async function mediaObjects(baseURL: string): Promise<number> {
  const text = await (await fetch(`${baseURL}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('moim_media_objects '));
  return Number(line?.split(' ').at(-1));
}

/** Init script: keeps every display stream the page opens, so a test can end it as the browser would. */
function captureDisplayStreams(): void {
  const streams: MediaStream[] = [];
  Object.assign(window, { __displayStreams: streams });
  const devices = navigator.mediaDevices;
  const original = devices.getDisplayMedia.bind(devices);
  devices.getDisplayMedia = async (options) => {
    const stream = await original(options);
    streams.push(stream);
    return stream;
  };
}

/** What the browser's own "Stop sharing" bar does: the capture ends, its track fires `ended`. */
async function endCaptureFromBrowser(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { __displayStreams: streams } = window as unknown as { __displayStreams: MediaStream[] };
    for (const track of streams.flatMap((stream) => stream.getVideoTracks())) {
      track.stop();
      track.dispatchEvent(new Event('ended'));
    }
  });
}

test('a share reaches everyone beside the camera, stops from the page and from the browser, releasing its endpoints', async ({
  addParticipant,
  baseURL,
}) => {
  test.slow();
  const ana = await addParticipant('Ana', { beforeJoin: captureDisplayStreams });
  const bora = await addParticipant('Bora');
  const chul = await addParticipant('Chul');
  for (const viewer of [bora, chul]) await expectVideoDecoding(remoteTile(viewer.page, 'Ana'));
  const before = await mediaObjects(baseURL!);

  for (const stop of ['page', 'browser'] as const) {
    await ana.page.getByTestId('control_share').click();
    await expect(ana.page.getByTestId('control_share')).toHaveAttribute('data-state', 'on');
    await expect(ana.page.getByTestId('banner_sharing')).toContainText('You are sharing');
    // Mine is a placeholder, not a picture of the screen inside itself.
    const own = ana.page.getByTestId('tile_screen_local');
    await expect(own).toContainText('You are sharing your screen');
    await expect(own.locator('video')).toHaveCount(0);
    for (const viewer of [bora, chul]) {
      await expect(screenTile(viewer.page, 'Ana')).toHaveCount(1);
      await expectScreenDecoding(screenTile(viewer.page, 'Ana'));
      // Two tiles for Ana: the camera keeps decoding too.
      await expectVideoDecoding(remoteTile(viewer.page, 'Ana'));
    }
    // One outgoing endpoint for the share and one incoming endpoint per viewer.
    await expect.poll(() => mediaObjects(baseURL!)).toBe(before + 3);

    if (stop === 'page') await ana.page.getByTestId('control_share').click();
    else await endCaptureFromBrowser(ana.page);

    await expect(ana.page.getByTestId('control_share')).toHaveAttribute('data-state', 'off');
    await expect(ana.page.getByTestId('banner_sharing')).toHaveCount(0);
    await expect(ana.page.getByTestId('tile_screen_local')).toHaveCount(0);
    for (const viewer of [bora, chul]) {
      await expect(screenTile(viewer.page, 'Ana')).toHaveCount(0);
      await expectVideoDecoding(remoteTile(viewer.page, 'Ana'));
    }
    await expect.poll(() => mediaObjects(baseURL!)).toBe(before);
  }
});

test('a late joiner sees a running share; two people share at once', async ({ addParticipant }) => {
  test.slow();
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  await ana.page.getByTestId('control_share').click();
  await expectScreenDecoding(screenTile(bora.page, 'Ana'));

  const dae = await addParticipant('Dae');
  await expectScreenDecoding(screenTile(dae.page, 'Ana'));
  await expectVideoDecoding(remoteTile(dae.page, 'Ana'));

  // The keyboard shortcut starts a second share beside the first.
  await bora.page.keyboard.press('Alt+Shift+S');
  await expect(bora.page.getByTestId('control_share')).toHaveAttribute('data-state', 'on');
  await expect(dae.page.getByTestId('tile_screen')).toHaveCount(2);
  await expectScreenDecoding(screenTile(dae.page, 'Bora'));
  await expectScreenDecoding(screenTile(dae.page, 'Ana'));
  await expectScreenDecoding(screenTile(ana.page, 'Bora'));
});

test('a cancelled picker is no error; a refused or missing one is explained', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', {
    beforeJoin: () => {
      const devices = navigator.mediaDevices;
      let attempt = 0;
      devices.getDisplayMedia = () => {
        attempt += 1;
        // First the person closes the picker, then the system refuses.
        const message = attempt === 1 ? 'Permission denied' : 'Permission denied by system';
        return Promise.reject(new DOMException(message, 'NotAllowedError'));
      };
    },
  });
  const share = ana.page.getByTestId('control_share');
  await share.click();
  await expect(share).toHaveAttribute('data-state', 'off');
  await expect(ana.page.getByTestId('banner_share_error')).toHaveCount(0);

  await share.click();
  await expect(ana.page.getByTestId('banner_share_error')).toContainText('blocked by your system');
  await expect(share).toHaveAttribute('data-state', 'off');

  const bora = await addParticipant('Bora', {
    beforeJoin: () => {
      Object.defineProperty(navigator.mediaDevices, 'getDisplayMedia', { value: undefined });
    },
  });
  await bora.page.getByTestId('control_share').click();
  await expect(bora.page.getByTestId('banner_share_error')).toContainText(
    'This browser cannot share a screen',
  );
  await expect(remoteTile(ana.page, 'Bora')).toHaveCount(1);
  await expect(ana.page.getByTestId('tile_screen')).toHaveCount(0);
});
