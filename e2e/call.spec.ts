import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

test('two participants see each other', async ({ addParticipant }) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');

  for (const [viewer, other] of [
    [ana, bora],
    [bora, ana],
  ] as const) {
    const tile = remoteTile(viewer.page, other.name);
    await expect(tile).toHaveCount(1);
    await expect(tile.getByTestId('tile_name')).toHaveText(other.name);
    await expect(tile).toHaveAttribute('data-connection', 'connected');
    await expectVideoDecoding(tile);
    await expect(viewer.page.getByTestId('tile_local')).toHaveAttribute(
      'data-connection',
      'connected',
    );
    // Chromium's fake microphone beeps: the speaking ring lights up on the other side.
    await expect(tile).toHaveAttribute('data-speaking', 'true');
  }
});

test('three participants each see two remote tiles, all decoding', async ({ addParticipant }) => {
  const people = [
    await addParticipant('Ana'),
    await addParticipant('Bora'),
    await addParticipant('Chul'),
  ];
  for (const viewer of people) {
    await expect(viewer.page.getByTestId('tile_remote')).toHaveCount(2);
    for (const other of people.filter((person) => person !== viewer)) {
      await expectVideoDecoding(remoteTile(viewer.page, other.name));
    }
  }
});

test('a late joiner sees everyone already there, and they see the late joiner', async ({
  addParticipant,
}) => {
  const early = [await addParticipant('Ana'), await addParticipant('Bora')];
  await expectVideoDecoding(remoteTile(early[0]!.page, 'Bora'));

  const late = await addParticipant('Dae');
  await expect(late.page.getByTestId('tile_remote')).toHaveCount(2);
  for (const person of early) {
    await expectVideoDecoding(remoteTile(late.page, person.name));
    await expectVideoDecoding(remoteTile(person.page, late.name));
  }
});
