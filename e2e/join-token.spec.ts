import { mintJoinToken } from '../server/access/credentials';
import { expect, test as base } from './fixtures';
import { remoteTile } from './media';
import { noDevicesScript } from './noDevices';
import { OwnServer } from './ownServer';

const secret = 'e2e-room-token-secret-0123456789abcdef';

// Joining needs a token (ROOM_TOKEN_SECRET), so this test runs a server of its own.
const test = base.extend<{ server: OwnServer }>({
  server: async ({}, provide) => {
    const server = await OwnServer.start({ ROOM_TOKEN_SECRET: secret });
    try {
      await provide(server);
    } finally {
      await server.stop('SIGKILL');
    }
  },
  baseURL: async ({ server }, provide) => {
    await provide(server.url);
  },
});

test('a room link with a join token prepares and joins under the token’s name and role; no token or another room’s is refused', async ({
  addParticipant,
  browser,
  server,
  roomId,
}) => {
  const hostToken = await mintJoinToken(
    secret,
    { room: roomId, name: 'Ji-woo', role: 'host' },
    600,
  );
  const guestToken = await mintJoinToken(
    secret,
    { room: roomId, name: 'Min', role: 'participant' },
    600,
  );

  // The prejoin shows the token's name and prepares the join with the token (issue 18).
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const page = await context.newPage();
    await page.goto(`/room/${roomId}?token=${encodeURIComponent(guestToken)}`);
    await expect(page.getByTestId('prejoin_name')).toHaveValue('Min');
    await expect(page.getByTestId('prejoin')).toHaveAttribute('data-prepared', 'ready');
  } finally {
    await context.close();
  }

  // Whatever they type, they are in under the token's names, and the host token made a host.
  const host = await addParticipant('typed name', { token: hostToken, noDevices: true });
  const guest = await addParticipant('another', { token: guestToken, noDevices: true });
  await expect(remoteTile(guest.page, 'Ji-woo')).toBeVisible();
  await expect(remoteTile(host.page, 'Min')).toBeVisible();
  await expect(remoteTile(guest.page, 'Ji-woo').getByTestId('tile_host')).toBeVisible();

  // Without a token, or with another room's: told why, nothing prepared, in no one's call.
  const otherRoomToken = await mintJoinToken(
    secret,
    { room: `${roomId}-other`, name: 'Eun', role: 'host' },
    600,
  );
  for (const [query, code] of [
    ['', 'TOKEN_REQUIRED'],
    [`?token=${encodeURIComponent(otherRoomToken)}`, 'TOKEN_WRONG_ROOM'],
  ] as const) {
    const refused = await browser.newContext({ baseURL: server.url });
    try {
      const page = await refused.newPage();
      await page.addInitScript(noDevicesScript);
      await page.goto(`/room/${roomId}${query}`);
      await expect(page.getByTestId('prejoin')).toHaveAttribute('data-prepared', 'none');
      await page.getByTestId('prejoin_name').fill('Eun');
      await page.getByTestId('prejoin_join').click();
      await expect(page.getByTestId('call_ended')).toHaveAttribute('data-reason', code);
    } finally {
      await refused.close();
    }
  }
  await expect(host.page.getByTestId('call_count')).toHaveText('2 people');
});
