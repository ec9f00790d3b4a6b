import { expect, test } from './fixtures';
import { doorKnocker, hostAction, personRow } from './hostHelpers';
import { remoteTile } from './media';

// Four people in real Chromium on two shared cores.
test.describe.configure({ timeout: 360_000 });

test('host removes C (who cannot rejoin), locks the room (F refused), leaves (B is host), and B ends it for all', async ({
  addParticipant,
  browser,
  baseURL,
  roomId,
}) => {
  const host = await addParticipant('Host', { noDevices: true });
  const b = await addParticipant('B', { noDevices: true });
  const c = await addParticipant('C', { noDevices: true });
  const d = await addParticipant('D', { noDevices: true });
  for (const person of [host, b, c, d]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('4 people');
  }
  const door = doorKnocker(browser, baseURL);
  try {
    // Remove, asked twice; C is told, everyone else sees C go.
    await hostAction(host.page, 'C', 'person_remove');
    await (await personRow(host.page, 'C')).getByTestId('person_remove_confirm').click();
    await expect(c.page.getByTestId('call_ended')).toHaveAttribute('data-reason', 'REMOVED');
    await expect(c.page.getByTestId('call_error')).toHaveText(
      'You were removed from the meeting by the host.',
    );
    for (const person of [host, b, d]) {
      await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
    }
    // The same browser cannot come back.
    await c.page.getByTestId('call_rejoin').click();
    await c.page.getByTestId('prejoin_join').click();
    await expect(c.page.getByTestId('call_ended')).toHaveAttribute('data-reason', 'REMOVED');

    // Lock: a new joiner is refused and told why.
    await (await personRow(host.page, 'B')).isVisible();
    // A click, not check(): the box shows the server's answer, which comes after the click returns.
    await host.page.getByTestId('host_locked').click();
    await expect(host.page.getByTestId('host_locked')).toBeChecked();
    const f = await door.knock(roomId, 'F');
    await expect(f.getByTestId('call_ended')).toHaveAttribute('data-reason', 'ROOM_LOCKED');
    await expect(f.getByTestId('call_error')).toHaveText(
      'This meeting is locked: nobody new can join right now.',
    );

    // The host leaves: B, there longest, becomes host, and everyone sees it.
    await host.page.getByTestId('control_leave').click();
    await expect(b.page.getByTestId('host_notice')).toHaveText(/You are now a host/);
    await expect(remoteTile(d.page, 'B').getByTestId('tile_host')).toBeVisible();
    await expect((await personRow(b.page, 'D')).getByTestId('person_menu')).toBeVisible();

    // End for all, asked twice.
    await b.page.getByTestId('host_end').click();
    await b.page.getByTestId('host_end_confirm').click();
    for (const page of [b.page, d.page]) {
      await expect(page.getByTestId('call_ended')).toHaveAttribute('data-reason', 'MEETING_ENDED');
    }
    await expect(d.page.getByTestId('call_error')).toHaveText(
      'The host ended the meeting for everyone.',
    );
  } finally {
    await door.closeAll();
  }
});
