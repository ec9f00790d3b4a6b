/**
 * Media through a real coturn, end to end at the server level: with TURN_SECRET and
 * ICE_TRANSPORT_POLICY=relay, a participant gets a minted pair in its join answer, its relay-only
 * werift peer publishes through coturn, the embedded media server gathers relay candidates with the
 * pair minted for its endpoint, and a second relay-only participant receives the packets.
 *   unshare -n sh -c 'ip link set lo up && npx vitest run server/turn/relay.test.ts'
 */
import { randomBytes } from 'node:crypto';

import type { RTCPeerConnection } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IceCandidate, JoinRoomResult } from '../../lib/protocol';
import { findTurnserver, startCoturn, type Coturn } from '../../scripts/lib/coturn';
import type { EmbeddedMediaServer } from '../media/embedded';
import {
  closeClients,
  connectClient,
  joined,
  startMediaServer,
  startServer,
  type TestServer,
} from '../test/harness';
import { Publisher, Viewer, waitConnected, type PeerOverrides } from '../test/peers';

const runnable = findTurnserver() !== undefined || Boolean(process.env.CI);

/** The type of the candidate pair ICE nominated on the peer's (bundled) transport. */
function selectedLocalType(pc: RTCPeerConnection): string | undefined {
  return pc.iceTransports[0]?.connection.nominated?.localCandidate.type;
}

function relayOnly(answer: JoinRoomResult): PeerOverrides {
  return {
    iceServers: answer.iceServers.map((server) => ({
      urls: [server.urls].flat()[0] ?? '',
      ...(server.username === undefined ? {} : { username: server.username }),
      ...(server.credential === undefined ? {} : { credential: server.credential }),
    })),
    iceTransportPolicy: answer.iceTransportPolicy,
  };
}

// Skipped only off CI on a machine without coturn (`runnable`); in CI a missing coturn fails.
describe.skipIf(!runnable)('relay through coturn (TURN_SECRET, ICE_TRANSPORT_POLICY=relay)', () => {
  const secret = randomBytes(24).toString('base64');
  let coturn: Coturn;
  let media: EmbeddedMediaServer;
  let server: TestServer;

  beforeAll(async () => {
    coturn = await startCoturn({ secret });
    media = await startMediaServer();
    server = await startServer(media.url, {
      env: { TURN_URLS: coturn.url, TURN_SECRET: secret, ICE_TRANSPORT_POLICY: 'relay' },
    });
  });
  afterAll(async () => {
    closeClients();
    await server?.close();
    await media?.close();
    await coturn?.stop();
  });

  it('publishes and receives through TURN relays only', async () => {
    const alice = await connectClient(server.url);
    const bob = await connectClient(server.url);
    const aliceJoin = await joined(alice, 'relay-room', 'Alice');
    const bobJoin = await joined(bob, 'relay-room', 'Bob');

    expect(aliceJoin.iceTransportPolicy).toBe('relay');
    expect(aliceJoin.iceServers).toEqual([
      {
        urls: [coturn.url],
        username: expect.stringMatching(/^\d+:/),
        credential: expect.any(String),
      },
    ]);
    expect(aliceJoin.iceServers[0]?.username).toMatch(new RegExp(`:${aliceJoin.selfId}$`));
    expect(JSON.stringify([aliceJoin, bobJoin])).not.toContain(secret);

    const serverCandidates: string[] = [];
    const collect = (event: { candidate: IceCandidate }) =>
      serverCandidates.push(event.candidate.candidate);
    alice.on('ice:candidate', collect);

    const publisher = await Publisher.start(alice, { overrides: relayOnly(aliceJoin) });
    const viewer = await Viewer.start(bob, publisher.id, 'VP8', false, relayOnly(bobJoin));
    try {
      await waitConnected(publisher.pc);
      await waitConnected(viewer.pc);
      publisher.pump(0x7e1a7);
      const packets = await viewer.waitForTagged(0x7e1a7, 20);
      expect(packets.length).toBeGreaterThanOrEqual(20);

      expect(selectedLocalType(publisher.pc)).toBe('relay');
      expect(selectedLocalType(viewer.pc)).toBe('relay');
      // The media server relays too: its endpoint got a pair of its own and allocated on coturn.
      expect(
        serverCandidates.some((line) => / typ relay /.test(line)),
        serverCandidates.join('\n'),
      ).toBe(true);
    } finally {
      alice.off('ice:candidate', collect);
      await publisher.close();
      await viewer.close();
    }
  });
});
