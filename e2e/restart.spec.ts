import { expect } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { testOnOwnServer } from './ownServerTest';

// This test stops the server, so it runs its own instead of the shared one.
const test = testOnOwnServer();

test('a planned restart (SIGTERM) keeps everyone in the call: back with video, no click', async ({
  addParticipant,
  server,
}) => {
  // Starts a production server twice, on top of a three-person call.
  test.slow();
  const people = [
    await addParticipant('Ana'),
    await addParticipant('Bora', { micOff: true }),
    await addParticipant('Chul'),
  ];
  for (const viewer of people) {
    for (const other of people.filter((person) => person !== viewer)) {
      await expectVideoDecoding(remoteTile(viewer.page, other.name));
    }
  }

  expect(await server.stop('SIGTERM')).toBe(0);
  // While the server is away: still in the call, told why, tiles where they were.
  for (const person of people) {
    await expect(person.page.getByTestId('banner_restarting')).toContainText(
      'The server is restarting',
    );
    await expect(person.page.getByTestId('call_ended')).toHaveCount(0);
    await expect(person.page.getByTestId('tile_remote')).toHaveCount(2);
  }

  await server.start();
  for (const viewer of people) {
    await expect(viewer.page.getByTestId('banner_restarting')).toHaveCount(0);
    await expect(viewer.page.getByTestId('tile_remote')).toHaveCount(2);
    await expect(viewer.page.getByTestId('tile_local')).toHaveAttribute(
      'data-connection',
      'connected',
    );
    for (const other of people.filter((person) => person !== viewer)) {
      const tile = remoteTile(viewer.page, other.name);
      await expect(tile).toHaveAttribute('data-connection', 'connected');
      await expectVideoDecoding(tile);
    }
  }
  // Mute state survived: Bora rejoined muted, and the others see it.
  const bora = people[1]!;
  await expect(bora.page.getByTestId('control_mic')).toHaveAttribute('data-state', 'off');
  await expect(remoteTile(people[0]!.page, 'Bora').getByTestId('tile_audio_muted')).toBeVisible();
  await expect(people[0]!.page.getByTestId('call_count')).toHaveText('3 people');
});
