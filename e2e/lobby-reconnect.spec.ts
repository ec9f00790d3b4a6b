import { expect, test } from './fixtures';
import { doorKnocker, personRow } from './hostHelpers';
import { captureConnectionsScript, dropWebSockets } from './peerConnections';

// Two people in real Chromium; media is not the point.
test.describe.configure({ timeout: 240_000 });

test('lobby: D’s connection drops while waiting; D keeps waiting in the same place and gets in', async ({
  addParticipant,
  browser,
  baseURL,
  roomId,
}) => {
  const host = await addParticipant('Host', { noDevices: true });
  await personRow(host.page, 'Host');
  await host.page.getByTestId('host_lobby').check();
  await expect(host.page.getByTestId('host_lobby')).toBeChecked();
  const door = doorKnocker(browser, baseURL);
  try {
    const d = await door.knock(roomId, 'D', { beforeJoin: captureConnectionsScript });
    await expect(d.getByTestId('waiting_screen')).toHaveAttribute('data-reason', 'lobby');
    const entry = host.page.locator('[data-testid="lobby_entry"][data-name="D"]');
    await expect(entry).toHaveCount(1);
    const place = await entry.getAttribute('data-waiting-id');

    // The network goes and comes back: D's browser reconnects and asks again with its ticket.
    await d.context().setOffline(true);
    await dropWebSockets(d);
    await expect(d.getByTestId('banner_signaling')).toHaveCount(1);
    await d.context().setOffline(false);
    await expect(d.getByTestId('banner_signaling')).toHaveCount(0, { timeout: 60_000 });
    await expect(d.getByTestId('call_ended')).toHaveCount(0);
    await expect(d.getByTestId('waiting_screen')).toHaveAttribute('data-reason', 'lobby');
    // The host sees D once, in the same place.
    await expect(entry).toHaveCount(1);
    await expect(entry).toHaveAttribute('data-waiting-id', place ?? '');

    await entry.getByTestId('lobby_admit').click();
    await expect(d.getByTestId('waiting_screen')).toHaveCount(0);
    await expect(d.getByTestId('call_count')).toHaveText('2 people');
  } finally {
    await door.closeAll();
  }
});
