/**
 * Issue 16 on the server, against the real embedded media server: a browser whose signaling was
 * lost comes back on a new socket and resumes its membership (no duplicate participant, the old
 * endpoints released on the media server itself), and a participant whose socket goes silent is
 * shown `reconnecting` to the others for the grace period, then removed.
 */

import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import { useEmbeddedCall } from '../test/embedded-call';
import { mediaServerObjects } from '../test/media-objects';
import { connectClient, join, silence, joined, nextEvent, waitUntil } from '../test/harness';
import { Publisher, Viewer } from '../test/peers';

describe('recovery after a lost signaling path', () => {
  const call = useEmbeddedCall({
    // Short, but long enough that a loaded machine does not miss heartbeats of live sockets.
    env: { RECONNECT_GRACE_SECONDS: '2', SIGNALING_HEARTBEAT_SECONDS: '2' },
  });
  const peers = call.peers;

  it('a rejoin that resumes replaces the old membership at once: one participant, its endpoints released', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    const first = await joined(ann, 'resume', 'Ann');
    await joined(bob, 'resume', 'Bob');
    expect(first.resumeToken).toMatch(/^[\w-]{22}$/);
    const added = nextEvent(bob, 'publication:added');
    peers.push(await Publisher.start(ann));
    const watched = await added;
    peers.push(await Viewer.start(bob, watched[0].id));
    // pipeline, Ann's outgoing endpoint, Bob's incoming one
    expect(await mediaServerObjects(call.media.url)).toHaveLength(3);

    // Ann's old socket stays open (the server has not noticed the loss): she is back on a new one.
    const annAgain = await connectClient(call.server.url);
    const left = nextEvent(bob, 'participant:left');
    const arrived = nextEvent(bob, 'participant:joined');
    const second = await join(annAgain, {
      roomId: 'resume',
      displayName: 'Ann',
      resume: { participantId: first.selfId, token: first.resumeToken ?? '' },
    });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.data.selfId).not.toBe(first.selfId);
    expect(second.data.participants.map((p) => p.displayName)).toEqual(['Bob']);
    expect((await left)[0].participantId).toBe(first.selfId);
    expect((await arrived)[0].displayName).toBe('Ann');
    expect(
      call.server.app.rooms
        .get('resume')
        ?.participants.map((p) => p.displayName)
        .sort(),
    ).toEqual(['Ann', 'Bob']);
    // The media server itself holds only the pipeline: both old endpoints are gone.
    await waitUntil(
      async () => (await mediaServerObjects(call.media.url)).length === 1,
      'the old endpoints released on the media server',
    );
    expect(call.server.app.media.objectCount).toBe(1);
    // The old socket's late disconnect removes nobody.
    ann.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(call.server.app.rooms.get('resume')?.size).toBe(2);
  });

  it('a wrong resume token is an ordinary join: the old membership stays', async () => {
    const ann = await connectClient(call.server.url);
    const first = await joined(ann, 'forged', 'Ann');
    const mallory = await connectClient(call.server.url);
    const result = await join(mallory, {
      roomId: 'forged',
      displayName: 'Mallory',
      resume: { participantId: first.selfId, token: 'A'.repeat(22) },
    });
    expect(result.ok).toBe(true);
    expect(call.server.app.rooms.get('forged')?.size).toBe(2);
    const bad = await join(await connectClient(call.server.url), {
      roomId: 'forged',
      displayName: 'Eve',
      resume: { participantId: first.selfId, token: 'x'.repeat(65) },
    });
    // The schema's length cap: refused before anything happens.
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.PayloadTooLarge } });
  });

  it('a silent socket is shown reconnecting to the others, then removed after the grace period', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    const annJoin = await joined(ann, 'grace', 'Ann');
    await joined(bob, 'grace', 'Bob');
    const reconnecting = nextEvent(
      bob,
      'participant:updated',
      (info) => info.id === annJoin.selfId,
    );
    const left = nextEvent(bob, 'participant:left');
    silence(ann);
    const [info] = await reconnecting;
    expect(info.connection).toBe('reconnecting');
    const shownAt = Date.now();
    expect((await left)[0].participantId).toBe(annJoin.selfId);
    // The grace period (2 s) ran in between; a timer's precision is all this allows.
    expect(Date.now() - shownAt).toBeGreaterThan(1700);
    expect(call.server.app.rooms.get('grace')?.participants.map((p) => p.displayName)).toEqual([
      'Bob',
    ]);
  });

  it('resuming during the grace period ends it: no reconnecting participant is left behind', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    const first = await joined(ann, 'grace-resume', 'Ann');
    await joined(bob, 'grace-resume', 'Bob');
    const reconnecting = nextEvent(bob, 'participant:updated', (info) => info.id === first.selfId);
    silence(ann);
    await reconnecting;
    const left = nextEvent(bob, 'participant:left');
    const again = await join(await connectClient(call.server.url), {
      roomId: 'grace-resume',
      displayName: 'Ann',
      resume: { participantId: first.selfId, token: first.resumeToken ?? '' },
    });
    expect(again.ok).toBe(true);
    expect((await left)[0].participantId).toBe(first.selfId);
    const room = call.server.app.rooms.get('grace-resume');
    expect(room?.participants.map((p) => p.connection)).toEqual(['connected', 'connected']);
    // The old membership's grace timer is gone with it: nobody else leaves.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(room?.size).toBe(2);
  });

  it('a resume that keeps its connections keeps the membership: same id, same endpoints, the new socket hears the room', async () => {
    const ann = await connectClient(call.server.url);
    const bob = await connectClient(call.server.url);
    const first = await joined(ann, 'keep', 'Ann');
    await joined(bob, 'keep', 'Bob');
    const added = nextEvent(bob, 'publication:added');
    peers.push(await Publisher.start(ann));
    const watched = await added;
    peers.push(await Viewer.start(bob, watched[0].id));
    const before = await mediaServerObjects(call.media.url);
    expect(before).toHaveLength(3);
    const reconnecting = nextEvent(bob, 'participant:updated', (info) => info.id === first.selfId);
    silence(ann);
    expect((await reconnecting)[0].connection).toBe('reconnecting');

    const annAgain = await connectClient(call.server.url);
    const back = nextEvent(bob, 'participant:updated', (info) => info.id === first.selfId);
    const second = await join(annAgain, {
      roomId: 'keep',
      displayName: 'Ann',
      resume: { participantId: first.selfId, token: first.resumeToken ?? '', keep: true },
    });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.data.resumed).toBe(true);
    expect(second.data.selfId).toBe(first.selfId);
    expect(second.data.participants.map((p) => p.displayName)).toEqual(['Bob']);
    expect((await back)[0].connection).toBeUndefined();
    expect((await mediaServerObjects(call.media.url)).sort()).toEqual([...before].sort());
    // Ann's requests and events are the new socket's now.
    const heard = nextEvent(annAgain, 'publication:added');
    peers.push(await Publisher.start(bob));
    expect((await heard)[0].participantId).not.toBe(first.selfId);
    // Neither the grace period (2 s) nor the old socket's late disconnect removes her.
    ann.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const room = call.server.app.rooms.get('keep');
    expect(room?.participants.map((p) => [p.id === first.selfId, p.connection])).toEqual([
      [true, 'connected'],
      [false, 'connected'],
    ]);
  });
});
