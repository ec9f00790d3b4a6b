import { expect, test } from './fixtures';
import { hostAction } from './hostHelpers';
import { remoteTile } from './media';

// Three people in real Chromium on two shared cores; media is not the point (no devices).
test.describe.configure({ timeout: 240_000 });

test('the host spotlights B: C sees B large; C’s own pin wins; the host removes it and C’s grid is back', async ({
  addParticipant,
}) => {
  const host = await addParticipant('Host', { noDevices: true });
  const b = await addParticipant('B', { noDevices: true });
  const c = await addParticipant('C', { noDevices: true });
  for (const person of [host, b, c]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
  }
  const stage = c.page.getByTestId('stage');
  const main = c.page.getByTestId('stage_main');
  await expect(stage).toHaveAttribute('data-layout', 'grid');
  // Only a host gets the spotlight button on a tile.
  await expect(c.page.getByTestId('tile_spotlight_toggle')).toHaveCount(0);

  // From the tile: the host's button on B's tile.
  const bFrame = host.page.locator('[data-testid="tile_frame"]', {
    has: remoteTile(host.page, 'B'),
  });
  await bFrame.hover();
  await bFrame.getByTestId('tile_spotlight_toggle').click();
  await expect(bFrame.getByTestId('tile_spotlight_toggle')).toHaveAttribute('aria-pressed', 'true');
  for (const page of [c.page, host.page]) {
    await expect(page.getByTestId('stage')).toHaveAttribute('data-layout', 'spotlight');
    await expect(page.getByTestId('stage_main').locator('[data-name="B"]')).toHaveCount(1);
    await expect(page.getByTestId('stage_main').getByTestId('tile_spotlight')).toHaveText(
      'Spotlight',
    );
  }
  // B sees their own tile spotlighted too.
  await expect(b.page.getByTestId('stage_main').getByTestId('tile_local')).toHaveCount(1);

  // C pins the host: C's own pin wins over the spotlight, for C only.
  const hostFrame = c.page.locator('[data-testid="tile_frame"]', {
    has: remoteTile(c.page, 'Host'),
  });
  await hostFrame.hover();
  await hostFrame.getByTestId('tile_pin').click();
  await expect(stage).toHaveAttribute('data-layout', 'pinned');
  await expect(main.locator('[data-name="Host"]')).toHaveCount(1);
  await expect(host.page.getByTestId('stage')).toHaveAttribute('data-layout', 'spotlight');
  // Unpinned: the spotlight again.
  await main.getByTestId('tile_pin').click();
  await expect(stage).toHaveAttribute('data-layout', 'spotlight');
  await expect(main.locator('[data-name="B"]')).toHaveCount(1);

  // From the people panel: the host removes the spotlight; everyone's grid is back.
  await hostAction(host.page, 'B', 'person_spotlight');
  for (const page of [c.page, b.page, host.page]) {
    await expect(page.getByTestId('stage')).toHaveAttribute('data-layout', 'grid');
    await expect(page.getByTestId('tile_spotlight')).toHaveCount(0);
  }
});
