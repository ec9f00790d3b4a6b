import { expect, test } from './fixtures';
import { doorKnocker, personRow } from './hostHelpers';

// Three people in real Chromium on two shared cores.
test.describe.configure({ timeout: 360_000 });

test('lobby: D waits seeing nobody, the host admits D; E is denied; password: wrong, then right', async ({
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
    const d = await door.knock(roomId, 'D');
    await expect(d.getByTestId('waiting_screen')).toHaveAttribute('data-reason', 'lobby');
    await expect(d.getByTestId('waiting_screen')).toContainText('Waiting to be let in');
    await expect(d.getByTestId('tile_remote')).toHaveCount(0);
    // The host sees D waiting (a notice, and the list in the people panel) and admits them.
    await expect(host.page.getByTestId('lobby_notice')).toContainText('D is waiting to join.');
    const entry = host.page.locator('[data-testid="lobby_entry"][data-name="D"]');
    await entry.getByTestId('lobby_admit').click();
    await expect(d.getByTestId('waiting_screen')).toHaveCount(0);
    await expect(d.getByTestId('call_count')).toHaveText('2 people');
    await expect(host.page.getByTestId('call_count')).toHaveText('2 people');

    const e = await door.knock(roomId, 'E');
    await expect(e.getByTestId('waiting_screen')).toBeVisible();
    await host.page
      .locator('[data-testid="lobby_entry"][data-name="E"]')
      .getByTestId('lobby_deny')
      .click();
    await expect(e.getByTestId('call_ended')).toHaveAttribute('data-reason', 'LOBBY_DENIED');
    await expect(e.getByTestId('call_error')).toHaveText('The host did not let you in.');
    await expect(host.page.getByTestId('call_count')).toHaveText('2 people');

    // Password (lobby off): a wrong one is told, the right one gets in.
    await host.page.getByTestId('host_lobby').click();
    await expect(host.page.getByTestId('host_lobby')).not.toBeChecked();
    await host.page.getByTestId('host_password').fill('kimchi 42');
    await host.page.getByTestId('host_password_set').click();
    await expect(host.page.getByTestId('host_password_on')).toBeVisible();
    const g = await door.knock(roomId, 'G');
    await expect(g.getByTestId('waiting_screen')).toHaveAttribute('data-reason', 'password');
    await g.getByTestId('password_input').fill('bibimbap');
    await g.getByTestId('password_submit').click();
    await expect(g.getByTestId('password_wrong')).toHaveText(
      'That password is not right. Try again.',
    );
    await g.getByTestId('password_input').fill('kimchi 42');
    await g.getByTestId('password_submit').click();
    await expect(g.getByTestId('call_count')).toHaveText('3 people');
  } finally {
    await door.closeAll();
  }
});
