/**
 * Recording in the app (issue 14) against the real embedded media server: only a host starts and
 * stops it; everyone, and a late joiner, is told; one RecorderEndpoint per publication, attached
 * and released as publications come and go; everything released on stop, when the room empties
 * and when the media server dies; the manifest says who was recorded into which file and when.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { RecordingState, Result } from '../../lib/protocol';
import type { TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { connectClient, joined, leave, nextEvent, unpublish, waitUntil } from '../test/harness';
import { Publisher } from '../test/peers';
import type { Manifest } from './manifest';
import { readManifest } from './manifest';
import { segment } from './names';

function request(socket: TestClient, event: 'recording:start' | 'recording:stop') {
  return socket.timeout(15_000).emitWithAck(event) as Promise<Result<RecordingState>>;
}

describe('recording in the app', () => {
  const stack = useEmbeddedCall({ recordings: true });
  const peers = stack.peers;

  /** The recordings of a room, by folder (one per start). */
  async function manifests(roomId: string): Promise<Manifest[]> {
    const dir = path.join(stack.recordingsDir, segment(roomId));
    if (!existsSync(dir)) return [];
    const found = await Promise.all(readdirSync(dir).map((id) => readManifest(path.join(dir, id))));
    return found.filter((m): m is Manifest => m !== undefined);
  }

  async function call(roomId: string, names: string[]) {
    const people: { socket: TestClient; id: string; publisher: Publisher }[] = [];
    for (const name of names) {
      const socket = await connectClient(stack.server.url);
      const { selfId } = await joined(socket, roomId, name);
      const publisher = await Publisher.start(socket, { video: false });
      publisher.pumpAudio(people.length + 1);
      peers.push(publisher);
      people.push({ socket, id: selfId, publisher });
    }
    return people;
  }

  /** Pipeline, one endpoint per publication, one recorder per recorded publication. */
  const objects = () => stack.server.app.media.objectCount;

  it('a non-host is refused with FORBIDDEN and nothing changes; a host records every publication', async () => {
    const [ann, bob] = await call('rec-host', ['Ann', 'Bob']);
    expect(objects()).toBe(3);

    const refused = await request(bob!.socket, 'recording:start');
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
    expect(await manifests('rec-host')).toEqual([]);
    expect(objects()).toBe(3);

    const toBob = nextEvent(bob!.socket, 'recording:state');
    const started = await request(ann!.socket, 'recording:start');
    expect(started).toMatchObject({ ok: true, data: { active: true, startedBy: 'Ann' } });
    expect((await toBob)[0]).toMatchObject({ active: true, startedBy: 'Ann' });
    await waitUntil(() => objects() === 5, 'a recorder per publication');

    const again = await request(ann!.socket, 'recording:start');
    expect(again).toMatchObject({ ok: false, error: { code: ErrorCode.RecordingActive } });
    expect((await request(bob!.socket, 'recording:stop')).ok).toBe(false);

    // A late joiner learns it in the join answer, and its publication is recorded from then on.
    const cat = await connectClient(stack.server.url);
    const late = await joined(cat, 'rec-host', 'Cat');
    expect(late.recording).toMatchObject({ active: true, startedBy: 'Ann' });
    const catPublisher = await Publisher.start(cat, { video: false });
    catPublisher.pumpAudio(3);
    peers.push(catPublisher);
    await waitUntil(() => objects() === 7, "a recorder for the late joiner's publication");

    // Unpublishing releases that publication's recorder and closes its file in the manifest.
    expect((await unpublish(bob!.socket, bob!.publisher.id)).ok).toBe(true);
    await waitUntil(() => objects() === 5, "Bob's endpoint and recorder released");
    await waitUntil(async () => {
      const [m] = await manifests('rec-host');
      return m?.tracks.find((t) => t.participantId === bob!.id)?.stoppedAt != null;
    }, "Bob's file closed in the manifest");

    const toCat = nextEvent(cat, 'recording:state');
    const stopped = await request(ann!.socket, 'recording:stop');
    expect(stopped).toMatchObject({ ok: true, data: { active: false, stopReason: 'stopped' } });
    expect((await toCat)[0]).toEqual({ active: false, stopReason: 'stopped' });
    expect(objects()).toBe(3);
    expect(await request(ann!.socket, 'recording:stop')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotRecording },
    });

    const [manifest, ...more] = await manifests('rec-host');
    expect(more).toEqual([]);
    expect(manifest).toMatchObject({
      roomId: 'rec-host',
      startedBy: { participantId: ann!.id, displayName: 'Ann' },
      stopReason: 'stopped',
    });
    expect(manifest!.stoppedAt).not.toBeNull();
    expect(manifest!.tracks.map((t) => t.displayName).sort()).toEqual(['Ann', 'Bob', 'Cat']);
    const dir = path.join(stack.recordingsDir, segment('rec-host'), manifest!.recordingId);
    for (const track of manifest!.tracks) {
      expect(track).toMatchObject({ source: 'camera', container: 'webm' });
      expect(track.endOffsetMs).toBeGreaterThan(track.startOffsetMs);
      expect(statSync(path.join(dir, track.file)).size).toBeGreaterThan(0);
    }
    expect(manifest!.tracks.find((t) => t.displayName === 'Cat')!.startOffsetMs).toBeGreaterThan(
      manifest!.tracks.find((t) => t.displayName === 'Ann')!.startOffsetMs,
    );
  });

  it('outside a room: NOT_IN_ROOM', async () => {
    const socket = await connectClient(stack.server.url);
    expect(await request(socket, 'recording:start')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotInRoom },
    });
  });

  it('the room emptying ends the recording and releases every recorder', async () => {
    const [ann, bob] = await call('rec-empty', ['Ann', 'Bob']);
    expect((await request(ann!.socket, 'recording:start')).ok).toBe(true);
    await waitUntil(() => objects() === 5, 'recorders');
    await leave(bob!.socket);
    await leave(ann!.socket);
    await waitUntil(() => objects() === 0, 'everything released');
    await waitUntil(
      async () => (await manifests('rec-empty'))[0]?.stopReason === 'room-ended',
      'manifest closed',
    );
    // A new meeting in the same room starts unrecorded.
    const again = await connectClient(stack.server.url);
    expect((await joined(again, 'rec-empty', 'Ann')).recording).toEqual({ active: false });
  });

  it('a media server that dies ends the recording (media-error) and leaves nothing behind', async () => {
    const [ann] = await call('rec-crash', ['Ann']);
    expect((await request(ann!.socket, 'recording:start')).ok).toBe(true);
    await waitUntil(() => objects() === 3, 'recorder');
    const closed = nextEvent(ann!.socket, 'room:closed');
    const restarted = new Promise<void>((resolve) => stack.media.once('restarted', resolve));
    stack.media.kill('SIGKILL');
    expect((await closed)[0].code).toBe(ErrorCode.MediaServerUnavailable);
    await waitUntil(
      async () => (await manifests('rec-crash'))[0]?.stopReason === 'media-error',
      'manifest closed with media-error',
    );
    expect(objects()).toBe(0);
    await restarted;
    await waitUntil(() => stack.server.app.media.connected, 'reconnected', 20_000);
    expect(await stack.server.app.media.getPipelineIds()).toEqual([]);
  });
});
