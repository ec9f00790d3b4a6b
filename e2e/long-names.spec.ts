import { expect, test } from './fixtures';
import { remoteTile } from './media';

// The smallest phones in use: a 40-character name (the limit) no longer fits a tile there.
test.use({ viewport: { width: 320, height: 640 } });

test('a long name ends in an ellipsis inside its tile, never cut mid-word', async ({
  addParticipant,
}) => {
  const name = 'Maximiliana Wolfeschlegelsteinhausenberg';
  await addParticipant(name, { micOff: true });
  const bora = await addParticipant('Bora');
  const tile = remoteTile(bora.page, name);
  const label = tile.getByTestId('tile_name');
  // The whole name is there for screen readers and the tooltip; the eye sees it shortened.
  await expect(label).toHaveText(name);
  const fit = await label.evaluate((element) => {
    const tileBox = element.closest('figure')!.getBoundingClientRect();
    const box = element.getBoundingClientRect();
    return {
      truncated: element.scrollWidth > element.clientWidth,
      ellipsis: getComputedStyle(element).textOverflow,
      inside: box.right <= tileBox.right && box.left >= tileBox.left,
    };
  });
  expect(fit).toEqual({ truncated: true, ellipsis: 'ellipsis', inside: true });
  await expect(label).toHaveAttribute('title', name);
});
