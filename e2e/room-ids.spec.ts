import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

test('a capitalised link lands in the same room as the canonical one', async ({
  addParticipant,
  roomId,
}) => {
  const capitalised = roomId
    .replace(/^e2e/, 'E2E')
    .replace(/-(\w)/g, (_, c: string) => `-${c.toUpperCase()}`);
  expect(capitalised).not.toBe(roomId);
  const ana = await addParticipant('Ana', { linkRoomId: capitalised });
  // The address bar (and so the invite link) shows the canonical spelling.
  await expect(ana.page).toHaveURL(new RegExp(`/room/${roomId}$`));
  await expect(ana.page.locator('.call-title')).toHaveText(roomId);

  const bora = await addParticipant('Bora');
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
  await expect(ana.page.getByTestId('call_count')).toHaveText('2 people');
});

test('a room id typed with capitals and spaces on the start page is normalised', async ({
  page,
}) => {
  const suffix = Date.now().toString(36);
  await page.goto('/');
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  const input = page.getByTestId('home_room_input');
  // Phones must not capitalise or autocorrect what is typed into it.
  await expect(input).toHaveAttribute('autocapitalize', 'off');
  await expect(input).toHaveAttribute('autocorrect', 'off');
  await input.fill(`  Team Sync ${suffix} `);
  await page.getByTestId('home_join').click();
  await expect(page).toHaveURL(new RegExp(`/room/team-sync-${suffix}$`));
  await expect(page.getByTestId('prejoin_room')).toHaveText(`team-sync-${suffix}`);

  // A non-canonical address typed by hand is redirected as well.
  await page.goto(`/room/Team%20Sync%20${suffix.toUpperCase()}`);
  await expect(page).toHaveURL(new RegExp(`/room/team-sync-${suffix}$`));
});
