import { expect, test } from './fixtures';

// A phone: the invite button is icon-only here, so its own "Copied" label cannot be seen.
test.use({ viewport: { width: 390, height: 844 } });

test('on a phone without a share sheet, inviting copies the link and says so in a toast', async ({
  addParticipant,
  roomId,
}) => {
  const ana = await addParticipant('Ana', {
    beforeJoin: () => {
      // A browser without the Web Share API (as desktop Firefox and Chromium on Linux).
      Object.defineProperty(Navigator.prototype, 'share', { value: undefined });
    },
  });
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await ana.page.getByTestId('control_copy_link').click();
  await expect(ana.page.getByTestId('toast')).toBeVisible();
  await expect(ana.page.getByTestId('toast')).toHaveText('Invite link copied');
  const copied = await ana.page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(new RegExp(`/room/${roomId}$`));
  // It goes away by itself.
  await expect(ana.page.getByTestId('toast')).toHaveCount(0);
});

test('where the browser has a share sheet, inviting opens it with the room link', async ({
  addParticipant,
  roomId,
}) => {
  const ana = await addParticipant('Ana', {
    beforeJoin: () => {
      // The share sheet, as a phone's: it records what it was given and reports success.
      const shared: ShareData[] = [];
      Object.assign(window, { __shared: shared });
      Object.defineProperty(Navigator.prototype, 'share', {
        value: (data: ShareData) => {
          shared.push(data);
          return Promise.resolve();
        },
      });
    },
  });
  await ana.page.getByTestId('control_copy_link').click();
  await expect(ana.page.getByTestId('toast')).toHaveText('Invite link shared');
  const shared = await ana.page.evaluate(
    () => (window as unknown as { __shared: ShareData[] }).__shared,
  );
  expect(shared).toHaveLength(1);
  expect(shared[0]?.url).toMatch(new RegExp(`/room/${roomId}$`));
});
