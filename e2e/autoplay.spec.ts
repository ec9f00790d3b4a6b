import { blockAutoplayScript } from './autoplayPolicy';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

test('sound blocked by autoplay comes back with one click on "Enable audio"', async ({
  addParticipant,
}) => {
  await addParticipant('Ana');
  const bora = await addParticipant('Bora', { beforeJoin: blockAutoplayScript });
  const tile = remoteTile(bora.page, 'Ana');
  const video = tile.getByTestId('tile_video');

  // The picture plays muted meanwhile; the page offers one click for the sound.
  await expectVideoDecoding(tile);
  await expect(video).toHaveJSProperty('muted', true);
  const enable = bora.page.getByTestId('enable_audio');
  await expect(enable).toBeVisible();

  await enable.click();
  await expect(enable).toHaveCount(0);
  await expect(video).toHaveJSProperty('muted', false);
  await expect(video).toHaveJSProperty('paused', false);
});
