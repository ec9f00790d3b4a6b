import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

test('a participant who leaves with the button disappears from the others', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  const chul = await addParticipant('Chul');
  await expect(ana.page.getByTestId('tile_remote')).toHaveCount(2);

  await bora.page.getByTestId('control_leave').click();
  await expect(bora.page.getByTestId('call_ended')).toBeVisible();
  for (const person of [ana, chul]) {
    await expect(remoteTile(person.page, 'Bora')).toHaveCount(0);
    await expect(person.page.getByTestId('tile_remote')).toHaveCount(1);
  }
  await expectVideoDecoding(remoteTile(ana.page, 'Chul'));

  // Rejoining starts a fresh session from the prejoin screen.
  await bora.page.getByTestId('call_rejoin').click();
  await expect(bora.page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await expect(bora.page.getByTestId('prejoin_name')).toHaveValue('Bora');
  await bora.page.getByTestId('prejoin_join').click();
  await expect(bora.page.getByTestId('tile_remote')).toHaveCount(2);
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
});

test('a participant who closes the tab disappears from the others', async ({ addParticipant }) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  await expect(remoteTile(ana.page, 'Bora')).toHaveCount(1);

  await bora.page.close();
  await expect(remoteTile(ana.page, 'Bora')).toHaveCount(0);
  await expect(ana.page.getByTestId('call_count')).toHaveText('1 person');
});

test('the header logo does not take anyone out of the call', async ({ addParticipant }) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  const url = ana.page.url();
  const header = ana.page.locator('header.call-header');
  await expect(header.getByRole('link')).toHaveCount(0);

  // Clicking it does nothing (focus stays on the page), and the first Tab from there reaches
  // the call's own controls (the layout switcher next to it in the header), not a way out.
  await ana.page.getByTestId('call_brand').click();
  await ana.page.keyboard.press('Tab');
  await expect(ana.page.getByTestId('layout_auto')).toBeFocused();
  await expect(ana.page).toHaveURL(url);
  await expect(ana.page.getByTestId('tile_local')).toBeVisible();
  await expect(remoteTile(bora.page, 'Ana')).toHaveCount(1);
});
