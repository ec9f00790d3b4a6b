import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { captureConnectionsScript, failReceivingConnections } from './peerConnections';

test('a failed peer connection is re-established without user action', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora', { beforeJoin: captureConnectionsScript });
  const anaSeenByBora = remoteTile(bora.page, 'Ana');
  await expectVideoDecoding(anaSeenByBora);

  expect(await failReceivingConnections(bora.page)).toBe(1);

  // The tile says so, then media comes back on its own.
  await expect(anaSeenByBora.getByTestId('tile_connection')).toHaveText('Connection failed');
  await expect(anaSeenByBora).toHaveAttribute('data-connection', 'connected', { timeout: 30_000 });
  await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
  await expect(remoteTile(ana.page, 'Bora')).toHaveCount(1);
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
});
