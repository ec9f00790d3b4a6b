/**
 * Stress: rounds of people who all click Join within 200 ms of each other (issue 10), each a client
 * that behaves like the browser: publishes its camera on its own connection and opens a receiving
 * connection for every publication it learns of, from the join answer or a later
 * `publication:added`. Every
 * round, everyone must know everyone and every (viewer, publisher) pair must carry RTP.
 *
 * `STRESS_ROUNDS` and `STRESS_PARTICIPANTS` set the size (npm test runs a short version; the
 * closing numbers of issue 10 came from `STRESS_ROUNDS=20`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PublicationInfo } from '../lib/protocol';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestServer } from './test/harness';
import { connectClient, startMediaServer, startServer, waitUntil } from './test/harness';
import { payloadTag, Publisher, Viewer } from './test/peers';
import { RoomView } from './test/room-view';

const rounds = Number(process.env['STRESS_ROUNDS'] ?? 2);
const participants = Number(process.env['STRESS_PARTICIPANTS'] ?? 12);
const joinWindowMs = 200;
/** Packets per pair that count as "carries RTP". */
const packetsPerPair = 3;
/** Offers per subscription before the round fails. */
const maxAttempts = 3;

interface Attendee {
  view: RoomView;
  tag: number;
  publisher?: Publisher;
  viewers: Map<string, Viewer>;
  watching: Set<string>;
  errors: string[];
}

describe(`${participants} people joining within ${joinWindowMs} ms, ${rounds} rounds`, () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  it(
    'everyone knows everyone and every pair carries media, every round',
    async () => {
      const summary: string[] = [];
      for (let round = 1; round <= rounds; round += 1) {
        const result = await playRound(round);
        summary.push(
          `round ${round}: ${result.known}/${result.pairs} pairs know each other, ` +
            `${result.flowing}/${result.pairs} carry RTP, set up in ${result.ms} ms, ` +
            `${result.retries} subscriptions offered again`,
        );
        console.log(summary.at(-1));
        expect(result.errors).toEqual([]);
        expect(result.known).toBe(result.pairs);
        expect(result.flowing).toBe(result.pairs);
      }
    },
    120_000 * rounds,
  );

  async function playRound(round: number) {
    const roomId = `stress-${round}`;
    const sockets = await Promise.all(
      Array.from({ length: participants }, () => connectClient(server.url)),
    );
    const attendees: Attendee[] = sockets.map((socket, i) => ({
      view: new RoomView(socket, (publication) => watch(attendee(i), publication)),
      tag: round * 1000 + i,
      viewers: new Map(),
      watching: new Set(),
      errors: [],
    }));
    const attendee = (i: number): Attendee => attendees[i]!;
    attendees.forEach((who) =>
      who.view.socket.on('call:error', (error) =>
        who.errors.push(
          `call:error ${error.code} for ${error.publicationId ?? '?'}: ${error.message}`,
        ),
      ),
    );
    let retries = 0;
    let over = false;
    // As the browser does (PeerLink + RetrySchedule): a subscription whose offer fails or times out
    // is offered again with `replace`, a few times; retries are counted and reported.
    const watch = (who: Attendee, publication: PublicationInfo, attempt = 1): void => {
      const senderId = publication.participantId;
      if (over || senderId === who.view.selfId) return;
      if (attempt === 1 && who.watching.has(senderId)) return;
      who.watching.add(senderId);
      Viewer.start(who.view.socket, publication.id, 'VP8', attempt > 1).then(
        (viewer) => {
          if (!over && who.view.knows(senderId)) who.viewers.set(senderId, viewer);
          else void viewer.close();
        },
        (error: unknown) => {
          if (over) return;
          if (attempt >= maxAttempts || !who.view.knows(senderId)) {
            who.errors.push(`watch ${senderId} (attempt ${attempt}): ${String(error)}`);
            return;
          }
          retries += 1;
          setTimeout(() => watch(who, publication, attempt + 1), 500 * attempt);
        },
      );
    };
    const started = Date.now();
    await Promise.all(
      attendees.map(async (who, i) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * joinWindowMs));
        const answer = await who.view.join(roomId, `P${i}`);
        for (const info of answer.participants) {
          for (const publication of info.publications) watch(who, publication);
        }
        who.publisher = await Publisher.start(who.view.socket);
        who.publisher.pump(who.tag, 50);
      }),
    );
    const pairs = participants * (participants - 1);
    const tagOf = new Map(attendees.map((who) => [who.view.selfId, who.tag]));
    const flowingPairs = (): number =>
      attendees.reduce(
        (sum, who) =>
          sum +
          [...who.viewers].filter(
            ([senderId, viewer]) =>
              viewer.received.filter((packet) => payloadTag(packet.payload) === tagOf.get(senderId))
                .length >= packetsPerPair,
          ).length,
        0,
      );
    const knownPairs = (): number =>
      attendees.reduce(
        (sum, who) =>
          sum + attendees.filter((o) => o !== who && who.view.knows(o.view.selfId)).length,
        0,
      );
    await waitUntil(
      () => flowingPairs() === pairs || attendees.some((who) => who.errors.length > 0),
      'every pair carries RTP',
      90_000,
    ).catch(() => undefined);
    const result = {
      pairs,
      known: knownPairs(),
      flowing: flowingPairs(),
      ms: Date.now() - started,
      retries,
      errors: attendees.flatMap((who) => who.errors),
    };
    over = true;
    await Promise.all(
      attendees.flatMap((who) => [
        who.publisher?.close(),
        ...[...who.viewers.values()].map((viewer) => viewer.close()),
      ]),
    );
    for (const socket of sockets) socket.disconnect();
    await waitUntil(() => server.app.media.objectCount === 0, 'every media object released');
    return result;
  }
});
