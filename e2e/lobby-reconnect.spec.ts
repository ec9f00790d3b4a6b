import { expect } from './fixtures';
import { doorKnocker, personRow } from './hostHelpers';
import { testOnOwnServer } from './ownServerTest';
import { type SilentPath, silentPath } from './silentPath';

// The heartbeat is short so that both ends notice a silent path within seconds (the default 10 s
// would take up to 20 s per side); the grace period is long enough for the page to come back.
const test = testOnOwnServer({ SIGNALING_HEARTBEAT_SECONDS: '2', RECONNECT_GRACE_SECONDS: '60' });

// Two people in real Chromium; media is not the point.
test.describe.configure({ timeout: 240_000 });

test('lobby: D’s path goes silent while waiting; D keeps waiting in the same place and gets in', async ({
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
    let path: SilentPath | undefined;
    const d = await door.knock(roomId, 'D', {
      beforeGoto: async (page) => {
        path = await silentPath(page);
      },
    });
    if (!path) throw new Error('the signaling route was not set up');
    await expect(d.getByTestId('waiting_screen')).toHaveAttribute('data-reason', 'lobby');
    const entry = host.page.locator('[data-testid="lobby_entry"][data-name="D"]');
    await expect(entry).toHaveCount(1);
    const place = await entry.getAttribute('data-waiting-id');
    const opened = path.opened;

    // The path goes silent (no close reaches either side): D's page finds out by its heartbeat
    // and tries again; only when the path carries again does a new socket get through.
    path.silence();
    await expect(d.getByTestId('banner_signaling')).toHaveCount(1, { timeout: 30_000 });
    path.restore();
    await expect(d.getByTestId('banner_signaling')).toHaveCount(0, { timeout: 60_000 });
    expect(path.opened).toBeGreaterThan(opened);
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
