import { expect, test } from './fixtures';
import { personRow } from './hostHelpers';
import { expectVideoDecoding, remoteTile } from './media';
import { captureConnectionsScript, dropWebSockets, openResources } from './peerConnections';

test('leaving closes every peer connection, track and socket', async ({ addParticipant }) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  await addParticipant('Bora');
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  expect(await openResources(ana.page)).toEqual({
    peerConnections: 2,
    liveTracks: 2,
    webSockets: 1,
  });

  await ana.page.getByTestId('control_leave').click();
  await expect(ana.page.getByTestId('call_ended')).toBeVisible();
  await expect
    .poll(() => openResources(ana.page))
    .toEqual({ peerConnections: 0, liveTracks: 0, webSockets: 0 });
});

test('a lost signaling connection shows a banner and the call recovers on its own', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  const bora = await addParticipant('Bora');
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));

  await ana.context.setOffline(true);
  await dropWebSockets(ana.page);
  await expect(ana.page.getByTestId('banner_signaling')).toBeVisible();
  // For the others Ana is reconnecting (issue 16's grace period), not gone.
  await expect(remoteTile(bora.page, 'Ana')).toHaveAttribute('data-reconnecting', 'true');
  // The people panel says so too, in words.
  const anaRow = await personRow(bora.page, 'Ana');
  await expect(anaRow.getByTestId('person_reconnecting')).toHaveText('Reconnecting…');

  await ana.context.setOffline(false);
  await expect(ana.page.getByTestId('banner_signaling')).toHaveCount(0);
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  await expect(remoteTile(bora.page, 'Ana')).toHaveCount(1);
  await expect(remoteTile(bora.page, 'Ana')).toHaveAttribute('data-reconnecting', 'false');
  await expect(anaRow.getByTestId('person_reconnecting')).toHaveCount(0);
  await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
});
