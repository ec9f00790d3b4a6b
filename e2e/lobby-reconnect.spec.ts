import { expect, test } from './fixtures';
import { doorKnocker, personRow } from './hostHelpers';
import { captureConnectionsScript, dropWebSockets } from './peerConnections';

// Two people in real Chromium; media is not the point.
test.describe.configure({ timeout: 240_000 });

// fixme: this test cannot cut D's connection the way a network does. Closing the page's WebSocket
// (dropWebSockets) is a clean close, which the server sees as 'transport close' (the browser left)
// and so rightly gives D's place up; Chromium's offline emulation does not touch an open WebSocket.
// A real loss ('ping timeout', 'transport error') keeps the place: server/access/lobby.test.ts
// silences the socket to show it. An e2e version needs the path cut under the page (dropping its
// TCP in this namespace without a FIN), not built yet.
test.fixme('lobby: D’s connection drops while waiting; D keeps waiting in the same place and gets in', async ({
  addParticipant,
  browser,
  baseURL,
  roomId,
}) => {
  const host = await addParticipant('Host', { noDevices: true });
  await personRow(host.page, 'Host');
  // A click, not check(): the box shows the server's answer, which comes after the click returns.
  await host.page.getByTestId('host_lobby').click();
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
