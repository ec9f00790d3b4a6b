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

    const created = (): Promise<number> =>
      bora.page.evaluate(
        () => (window as unknown as { __peerConnections: unknown[] }).__peerConnections.length,
      );
    const before = await created();
    expect(await failConnections(bora.page, direction)).toBe(1);

    // A new connection replaces the failed one at once (issue 16: the first retry is immediate, so
    // the tile's "Connection failed" may never show), then media comes back on its own, both ways.
    await expect.poll(created).toBeGreaterThan(before);
    await expect(bora.page.getByTestId('tile_local')).toHaveAttribute(
      'data-connection',
      'connected',
    );
    await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
    await expect(remoteTile(ana.page, 'Bora')).toHaveCount(1);
    await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  });
}
