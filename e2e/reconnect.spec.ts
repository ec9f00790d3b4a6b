import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { captureConnectionsScript, failConnections } from './peerConnections';

for (const direction of ['recvonly', 'sendonly'] as const) {
  test(`a failed ${direction} peer connection is re-established without user action`, async ({
    addParticipant,
  }) => {
    const ana = await addParticipant('Ana');
    const bora = await addParticipant('Bora', { beforeJoin: captureConnectionsScript });
    await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
    await expectVideoDecoding(remoteTile(ana.page, 'Bora'));

    expect(await failConnections(bora.page, direction)).toBe(1);

    // The tile says so, then media comes back on its own, both ways.
    const failedTile =
      direction === 'recvonly' ? remoteTile(bora.page, 'Ana') : bora.page.getByTestId('tile_local');
    await expect(failedTile.getByTestId('tile_connection')).toHaveText('Connection failed');
    await expect(bora.page.getByTestId('tile_local')).toHaveAttribute(
      'data-connection',
      'connected',
    );
    await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
    await expect(remoteTile(ana.page, 'Bora')).toHaveCount(1);
    await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  });
}
