/**
 * TURN for real: the server forces relay (ICE_TRANSPORT_POLICY=relay) and mints each participant a
 * pair from coturn's shared secret (TURN_SECRET); two people in real Chromium see each other, and
 * getStats shows every connection's selected candidate pair goes through a relay candidate.
 */
import type { Page } from '@playwright/test';

import { findTurnserver } from '../scripts/lib/coturn';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { captureConnectionsScript } from './peerConnections';
import { startRelayStack, type RelayStack } from './relayServer';

// One port above the main config's server (E2E_PORT, 3100 by default).
const port = Number(process.env.E2E_PORT ?? 3100) + 1;

test.use({ baseURL: `http://127.0.0.1:${port}` });
// Skipped only off CI when coturn is missing: npm test installs it (as root on Debian), and in
// CI its absence is a failure, not a skip.
test.skip(!findTurnserver() && !process.env.CI, 'coturn is not installed (apt-get install coturn)');

let stack: RelayStack | undefined;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  stack = await startRelayStack(port);
});
test.afterAll(async () => {
  await stack?.stop();
});

interface PathReport {
  policy: RTCIceTransportPolicy | undefined;
  direction: string | undefined;
  connection: RTCPeerConnectionState;
  local: string | undefined;
  remote: string | undefined;
}

/** Every open peer connection of the page: its policy and the types of its selected pair. */
function selectedPaths(page: Page): Promise<PathReport[]> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const open = all.filter((pc) => pc.signalingState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
        const byId = new Map(stats.map((entry) => [entry.id, entry]));
        const transport = stats.find((entry) => entry.type === 'transport');
        const pair = byId.get(transport?.selectedCandidatePairId);
        return {
          policy: pc.getConfiguration().iceTransportPolicy,
          direction: pc.getTransceivers()[0]?.direction,
          connection: pc.connectionState,
          local: byId.get(pair?.localCandidateId)?.candidateType as string | undefined,
          remote: byId.get(pair?.remoteCandidateId)?.candidateType as string | undefined,
        };
      }),
    );
  });
}

test('with relay forced, media goes through coturn and video decodes', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  const bora = await addParticipant('Bora', { beforeJoin: captureConnectionsScript });

  for (const [viewer, other] of [
    [ana, bora],
    [bora, ana],
  ] as const) {
    await expectVideoDecoding(remoteTile(viewer.page, other.name));
    // One sendonly connection (my camera) and one recvonly (the other person), both via TURN.
    await expect
      .poll(async () =>
        (await selectedPaths(viewer.page)).map(({ direction, connection, local, policy }) => ({
          direction,
          connection,
          local,
          policy,
        })),
      )
      .toEqual(
        expect.arrayContaining([
          { direction: 'sendonly', connection: 'connected', local: 'relay', policy: 'relay' },
          { direction: 'recvonly', connection: 'connected', local: 'relay', policy: 'relay' },
        ]),
      );
    const paths = await selectedPaths(viewer.page);
    expect(paths).toHaveLength(2);
  }
  // coturn saw the minted user names: <expiry>:<participant id>.
  expect(stack?.coturn.log()).toMatch(/username=<\d+:[0-9a-f-]{36}>/);
});
