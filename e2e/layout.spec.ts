import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

function screenTile(page: Page, name: string): Locator {
  return page.locator(`[data-testid="tile_screen"][data-name="${name}"]`);
}

/** The tile's decoded frames, twice a second apart: equal once nothing arrives any more. */
async function frames(tile: Locator): Promise<number> {
  return tile
    .getByTestId('tile_video')
    .evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);
}

async function expectFramesStopped(tile: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const before = await frames(tile);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return (await frames(tile)) - before;
    })
    .toBe(0);
}

test('a share fills the stage (presenting), cameras go to a strip; a pin of mine survives re-layouts', async ({
  addParticipant,
}, testInfo) => {
  test.slow();
  const ana = await addParticipant('Ana Lee');
  const bora = await addParticipant('Bora Kim');
  const chul = await addParticipant('Chul Park', { micOff: true });
  const stage = bora.page.getByTestId('stage');
  await expect(stage).toHaveAttribute('data-layout', 'grid');

  await ana.page.getByTestId('control_share').click();
  await expect(stage).toHaveAttribute('data-layout', 'presenting');
  const main = bora.page.getByTestId('stage_main');
  const strip = bora.page.getByTestId('stage_strip');
  await expectVideoDecoding(main.locator('[data-testid="tile_screen"][data-name="Ana Lee"]'));
  for (const name of ['Ana Lee', 'Chul Park']) {
    await expectVideoDecoding(strip.locator(`[data-testid="tile_remote"][data-name="${name}"]`));
  }
  await expect(strip.getByTestId('tile_local')).toHaveCount(1);
  await expect(ana.page.getByTestId('stage')).toHaveAttribute('data-layout', 'presenting');
  await expectVideoDecoding(remoteTile(chul.page, 'Ana Lee'));
  const target =
    process.env.E2E_SCREENSHOT === '1'
      ? path.join(__dirname, '..', 'docs', 'presenting.png')
      : testInfo.outputPath('presenting.png');
  await bora.page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await bora.page.screenshot({ path: target });

  // Bora pins Chul: Chul takes the stage, and keeps it through a change of layout.
  await strip.locator('[data-tile-key] >> nth=0').hover();
  await bora.page
    .locator('[data-testid="tile_frame"]', { has: remoteTile(bora.page, 'Chul Park') })
    .getByTestId('tile_pin')
    .click();
  await expect(stage).toHaveAttribute('data-layout', 'pinned');
  await expect(main.locator('[data-name="Chul Park"]')).toHaveCount(1);
  await bora.page.getByTestId('layout_grid').click();
  await expect(stage).toHaveAttribute('data-layout', 'pinned');
  await expect(main.locator('[data-name="Chul Park"]')).toHaveCount(1);
  await expect(screenTile(bora.page, 'Ana Lee')).toHaveCount(1);
  // Unpinned, the chosen grid; the choice is kept for the next call.
  await main.getByTestId('tile_pin').click();
  await expect(stage).toHaveAttribute('data-layout', 'grid');
  expect(await bora.page.evaluate(() => localStorage.getItem('moim.layout'))).toBe('grid');
  await bora.page.getByTestId('layout_auto').click();
  await expect(stage).toHaveAttribute('data-layout', 'presenting');
});

test('the speaker layout follows who speaks', async ({ addParticipant }) => {
  test.slow();
  const ana = await addParticipant('Ana Lee');
  const bora = await addParticipant('Bora Kim', { micOff: true });
  const chul = await addParticipant('Chul Park', { micOff: true });
  await chul.page.getByTestId('layout_speaker').click();
  const stage = chul.page.getByTestId('stage');
  await expect(stage).toHaveAttribute('data-layout', 'speaker');
  const main = chul.page.getByTestId('stage_main');
  // Chromium's fake microphone beeps: Ana is the one speaking.
  await expect(main.locator('[data-name="Ana Lee"]')).toHaveCount(1);

  await ana.page.getByTestId('control_mic').click();
  await bora.page.getByTestId('control_mic').click();
  await expect(main.locator('[data-name="Bora Kim"]')).toHaveCount(1);
  await expectVideoDecoding(main.locator('[data-testid="tile_remote"]'));
});

test.describe('a window too narrow for every tile', () => {
  // The strip's tiles are 192 px wide: in a window this narrow the second one is out of sight.
  test.use({ viewport: { width: 220, height: 480 } });

  test('an off-screen tile stops receiving video and resumes when scrolled into view', async ({
    addParticipant,
  }) => {
    test.slow();
    const ana = await addParticipant('Ana Lee');
    await addParticipant('Bora Kim');
    await addParticipant('Chul Park');
    // In the narrow window Chul's grid tile may already be out of sight (and rightly gets no video; it
    // failed here in session 3 for that reason): prove his video flows in a wide window first.
    const narrow = ana.page.viewportSize();
    await ana.page.setViewportSize({ width: 900, height: 700 });
    const chulInGrid = ana.page.locator('[data-testid="tile_frame"]', {
      has: remoteTile(ana.page, 'Chul Park'),
    });
    await expect(chulInGrid).toHaveAttribute('data-video-wanted', 'true');
    await expectVideoDecoding(remoteTile(ana.page, 'Chul Park'));
    if (narrow) await ana.page.setViewportSize(narrow);
    // Ana pins her own tile: Bora and Chul go to the strip, Chul at its far end.
    await ana.page
      .locator('[data-testid="tile_frame"]', { has: ana.page.getByTestId('tile_local') })
      .getByTestId('tile_pin')
      .click();
    await expect(ana.page.getByTestId('stage')).toHaveAttribute('data-layout', 'pinned');
    const strip = ana.page.getByTestId('stage_strip');
    const chulFrame = strip.locator('[data-testid="tile_frame"]', {
      has: remoteTile(ana.page, 'Chul Park'),
    });
    const chul = remoteTile(ana.page, 'Chul Park');
    await expect(chulFrame).toHaveAttribute('data-video-wanted', 'false');
    await expectFramesStopped(chul);

    await strip.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
    await expect(chulFrame).toHaveAttribute('data-video-wanted', 'true');
    await expectVideoDecoding(chul);
  });
});
