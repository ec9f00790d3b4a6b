import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import { useEmbeddedCall } from './test/embedded-call';
import {
  connectClient,
  joined,
  join,
  leave,
  mute,
  nextEvent,
  subscribe,
  waitUntil,
} from './test/harness';
import { Publisher, Viewer, waitConnected } from './test/peers';

describe('group call on the embedded media server', () => {
  const call = useEmbeddedCall();
  const peers = call.peers;

  it('two participants: media published by each arrives at the other', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    const annJoin = await joined(ann, 'two', 'Ann');
    expect(annJoin.participants).toEqual([]);
    const bobArrives = nextEvent(ann, 'participant:joined');
    const bobJoin = await joined(bob, 'two', 'Bob');
    expect(bobJoin.participants).toEqual([
      { id: annJoin.selfId, displayName: 'Ann', publications: [], role: 'host' },
    ]);
    const [bobInfo] = await bobArrives;
    expect(bobInfo).toEqual({
      id: bobJoin.selfId,
      displayName: 'Bob',
      publications: [],
      role: 'participant',
    });
    // Joining creates no endpoint: media comes with publications.
    expect(call.server.app.media.objectCount).toBe(1);

    const annPublished = nextEvent(bob, 'publication:added');
    const annOut = await Publisher.start(ann);
    expect(annOut.publication).toEqual({
      id: annOut.id,
      participantId: annJoin.selfId,
      source: 'camera',
      audio: true,
      video: true,
      audioMuted: false,
      videoMuted: false,
    });
    expect((await annPublished)[0]).toEqual(annOut.publication);
    const bobOut = await Publisher.start(bob);
    const annSeesBob = await Viewer.start(ann, bobOut.id);
    const bobSeesAnn = await Viewer.start(bob, annOut.id);
    peers.push(annOut, bobOut, annSeesBob, bobSeesAnn);
    await Promise.all([annOut, bobOut, annSeesBob, bobSeesAnn].map((p) => waitConnected(p.pc)));

    annOut.pump(0xa1);
    bobOut.pump(0xb0);
    const [atBob, atAnn] = await Promise.all([
      bobSeesAnn.waitForTagged(0xa1, 20),
      annSeesBob.waitForTagged(0xb0, 20),
    ]);
    expect(atBob.length).toBeGreaterThanOrEqual(20);
    expect(atAnn.length).toBeGreaterThanOrEqual(20);
    // Nobody receives their own call.media.
    expect(bobSeesAnn.received.some((p) => p.payload.readUInt32BE(1) === 0xb0)).toBe(false);

    // 1 pipeline + 2 outgoing + 2 incoming endpoints.
    expect(call.server.app.media.objectCount).toBe(5);
    expect(await call.server.app.media.getPipelineIds()).toHaveLength(1);
    // A later joiner gets both publications in the join answer.
    const cy = await connectClient(call.server.url);
    const cyJoin = await joined(cy, 'two', 'Cy');
    expect(cyJoin.participants.map((p) => p.publications.map((pub) => pub.id))).toEqual([
      [annOut.id],
      [bobOut.id],
    ]);
    expect(await leave(cy)).toEqual({ ok: true, data: null });

    const annLeft = nextEvent(bob, 'participant:left', (e) => e.participantId === annJoin.selfId);
    expect(await leave(ann)).toEqual({ ok: true, data: null });
    expect((await annLeft)[0]).toEqual({ participantId: annJoin.selfId });
    // Ann's outgoing and incoming endpoints and Bob's incoming one for Ann are gone.
    await waitUntil(() => call.server.app.media.objectCount === 2, 'Ann released');

    expect(await leave(bob)).toEqual({ ok: true, data: null });
    await waitUntil(() => call.server.app.media.objectCount === 0, 'Bob released');
    expect(await call.server.app.media.getPipelineIds()).toEqual([]);
    expect(call.server.app.rooms.roomCount).toBe(0);
  });

  it('three participants: every (viewer, publication) pair gets its endpoint; a leave releases exactly its own', async () => {
    const sockets = await Promise.all([0, 1, 2].map(() => connectClient(call.server.url)));
    const names = ['Ann', 'Bob', 'Cy'];
    const ids: string[] = [];
    for (const [index, socket] of sockets.entries()) {
      ids.push((await joined(socket, 'three', names[index]!)).selfId);
    }
    // Everyone publishes and watches everyone else: 3 outgoing + 6 incoming connections.
    const publishers = await Promise.all(sockets.map((socket) => Publisher.start(socket)));
    peers.push(...publishers);
    const viewers: Viewer[] = [];
    for (const [index, socket] of sockets.entries()) {
      for (const publisher of publishers.filter((_, other) => other !== index)) {
        viewers.push(await Viewer.start(socket, publisher.id));
      }
    }
    peers.push(...viewers);
    await Promise.all([...publishers, ...viewers].map((peer) => waitConnected(peer.pc)));

    const room = call.server.app.rooms.get('three');
    expect(room?.size).toBe(3);
    const pubIds = publishers.map((publisher) => publisher.id);
    for (const participant of room?.participants ?? []) {
      const own = publishers[ids.indexOf(participant.id)]!.id;
      expect(participant.subscribedIds.sort()).toEqual(pubIds.filter((id) => id !== own).sort());
      expect(participant.publication(own)?.endpoint?.released).toBe(false);
    }
    expect(
      room
        ?.listPublications()
        .map((p) => p.id)
        .sort(),
    ).toEqual([...pubIds].sort());
    expect(call.server.app.media.objectCount).toBe(1 + 3 + 6);

    // Bob leaves: his outgoing endpoint, his two incoming ones and Ann's and Cy's for him go.
    const [bobId] = ids.slice(1, 2);
    const told = sockets
      .filter((_, index) => index !== 1)
      .map((socket) => nextEvent(socket, 'participant:left'));
    expect(await leave(sockets[1]!)).toEqual({ ok: true, data: null });
    for (const event of await Promise.all(told)) expect(event[0]).toEqual({ participantId: bobId });
    await waitUntil(() => call.server.app.media.objectCount === 1 + 2 + 2, 'Bob released');
    for (const participant of room?.participants ?? []) {
      expect(participant.subscribedIds).not.toContain(publishers[1]!.id);
      expect(participant.subscribedIds).toHaveLength(1);
    }
    // Leaving twice is harmless.
    expect(await leave(sockets[1]!)).toEqual({ ok: true, data: null });

    await leave(sockets[0]!);
    sockets[2]!.disconnect();
    await waitUntil(() => call.server.app.media.objectCount === 0, 'everything released');
    expect(await call.server.app.media.getPipelineIds()).toEqual([]);
  });

  it('racing joins to a new room create one pipeline', async () => {
    const sockets = await Promise.all([0, 1, 2, 3].map(() => connectClient(call.server.url)));
    const results = await Promise.all(sockets.map((socket, i) => joined(socket, 'race', `P${i}`)));
    expect(new Set(results.map((r) => r.selfId)).size).toBe(4);
    expect(await call.server.app.media.getPipelineIds()).toHaveLength(1);
    expect(call.server.app.media.objectCount).toBe(1);
    // Everyone learns of everyone: joined lists plus events add up to the other three.
    expect(results.map((r) => r.participants.length).sort()).toEqual([0, 1, 2, 3]);
  });

  it('a disconnect during a join leaves nothing behind, and the room goes on for others', async () => {
    const stayer = await connectClient(call.server.url);
    await joined(stayer, 'flaky', 'Stayer');
    const quitter = await connectClient(call.server.url);
    const pending = join(quitter, { roomId: 'flaky', displayName: 'Quitter' }).catch(() => null);
    quitter.disconnect();
    await pending;
    await waitUntil(
      () =>
        call.server.app.rooms.get('flaky')?.size === 1 && call.server.app.media.objectCount === 1,
      'only the stayer left',
    );
    // A leave right behind the join: whichever wins, nothing of the leaver remains.
    const hasty = await connectClient(call.server.url);
    const [joinResult, leaveResult] = await Promise.all([
      join(hasty, { roomId: 'flaky', displayName: 'Hasty' }),
      leave(hasty),
    ]);
    expect(leaveResult).toEqual({ ok: true, data: null });
    expect(joinResult.ok || joinResult.error.code === ErrorCode.NotInRoom).toBe(true);
    if (joinResult.ok) await leave(hasty);
    await waitUntil(
      () =>
        call.server.app.rooms.get('flaky')?.size === 1 && call.server.app.media.objectCount === 1,
      'only the stayer left, again',
    );
    // Joining again works.
    const again = await connectClient(call.server.url);
    const joinedAgain = await joined(again, 'flaky', 'Again');
    expect(joinedAgain.participants.map((p) => p.displayName)).toEqual(['Stayer']);
  });

  it('a subscribe with replace gives a viewer a new connection for a publication; the old endpoint goes', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    await joined(ann, 'replace', 'Ann');
    const bobId = (await joined(bob, 'replace', 'Bob')).selfId;
    const publisher = await Publisher.start(ann);
    const first = await Viewer.start(bob, publisher.id);
    peers.push(publisher, first);
    await Promise.all([waitConnected(publisher.pc), waitConnected(first.pc)]);
    publisher.pump(0xa3);
    await first.waitForTagged(0xa3, 5);
    const bobInRoom = call.server.app.rooms.get('replace')?.getParticipant(bobId);
    const objects = call.server.app.media.objectCount;

    // Without replace, a second offer is refused; with it, a new connection takes over.
    const refused = await subscribe(bob, {
      publicationId: publisher.id,
      sdp: first.pc.localDescription?.sdp ?? '',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.AlreadyNegotiated } });
    const second = await Viewer.start(bob, publisher.id, 'VP8', true);
    peers.push(second);
    await waitConnected(second.pc);
    await second.waitForTagged(0xa3, 5);
    expect(call.server.app.media.objectCount).toBe(objects);
    expect(bobInRoom?.subscribedIds).toEqual([publisher.id]);
  });

  it('a publish that replaces my publication renews its connection; viewers switch without a new offer', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    await joined(ann, 'republish', 'Ann');
    await joined(bob, 'republish', 'Bob');
    const first = await Publisher.start(ann);
    const viewer = await Viewer.start(bob, first.id);
    peers.push(first, viewer);
    await Promise.all([waitConnected(first.pc), waitConnected(viewer.pc)]);
    first.pump(0xa5);
    await viewer.waitForTagged(0xa5, 5);
    const objects = call.server.app.media.objectCount;

    const second = await Publisher.start(ann, { replaces: first.id });
    expect(second.id).toBe(first.id);
    peers.push(second);
    await waitConnected(second.pc);
    second.pump(0xa6);
    await viewer.waitForTagged(0xa6, 5);
    await waitUntil(
      () => call.server.app.media.objectCount === objects,
      'the old endpoint released',
    );
  });

  it('mute changes of a publication reach the others', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    await joined(ann, 'mute', 'Ann');
    await joined(bob, 'mute', 'Bob');
    const publisher = await Publisher.start(ann);
    peers.push(publisher);
    const update = nextEvent(bob, 'publication:updated');
    expect(await mute(ann, { publicationId: publisher.id, audioMuted: true })).toEqual({
      ok: true,
      data: null,
    });
    expect((await update)[0]).toEqual({ ...publisher.publication, audioMuted: true });
  });

  it('/readyz answers when the media server does; /metrics counts rooms, participants, objects, joins and RPCs', async () => {
    expect((await fetch(`${call.server.url}/readyz`)).status).toBe(200);
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    await joined(ann, 'metrics', 'Ann');
    await joined(bob, 'metrics', 'Bob');
    const text = await (await fetch(`${call.server.url}/metrics`)).text();
    const value = (line: string): number => {
      const match = text.split('\n').find((l) => l.startsWith(`${line} `));
      return Number(match?.split(' ').at(-1));
    };
    expect(value('moim_rooms')).toBe(1);
    expect(value('moim_participants')).toBe(2);
    expect(value('moim_media_objects')).toBe(1);
    expect(value('moim_join_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(
      value('moim_media_rpc_duration_seconds_count{operation="create MediaPipeline",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('a late joiner gets the first packet of a publisher quickly (join → first RTP, median of 5)', async () => {
    const ann = await connectClient(call.server.url);
    await joined(ann, 'latency', 'Ann');
    const publisher = await Publisher.start(ann);
    peers.push(publisher);
    await waitConnected(publisher.pc);
    publisher.pump(0xa2);
    const samples: number[] = [];
    const joins: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const bob = await connectClient(call.server.url);
      const started = performance.now();
      await joined(bob, 'latency', `Bob${i}`);
      joins.push(performance.now() - started);
      const viewer = await Viewer.start(bob, publisher.id);
      await viewer.waitForTagged(0xa2, 1);
      samples.push(performance.now() - started);
      await viewer.close();
      bob.disconnect();
    }
    samples.sort((a, b) => a - b);
    const median = samples[2]!;
    joins.sort((a, b) => a - b);
    console.info(`join ack: median ${joins[2]!.toFixed(1)} ms`);
    console.info(
      `join → first RTP: median ${median.toFixed(0)} ms, all ${samples.map((v) => v.toFixed(0)).join(', ')}`,
    );
    expect(median).toBeLessThan(5_000);
  });
});
