/**
 * The recordings API over real HTTP: the status anyone may read, the list only a host's
 * credential opens, files only through signed links, served with byte ranges and their content
 * type, and nothing outside the recordings directory whatever the path says.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RecordingList } from '../../lib/protocol';
import { HostCredentials, secretKey } from '../access/credentials';
import { testLogger } from '../test/harness';
import { handleRecordings } from './http';
import type { Manifest } from './manifest';
import { writeManifest } from './manifest';
import { FileSigner } from './signed-urls';

describe('recordings API', () => {
  let root: string;
  let outside: string;
  let server: Server;
  let base: string;
  const credentials = new HostCredentials(secretKey(undefined));
  const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  const recordingId = '2026-12-01T17-00-00-000Z-0a1b2c3d';

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'moim-rec-http-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'moim-rec-outside-'));
    writeFileSync(path.join(outside, 'secret.webm'), 'not yours');
    const dir = path.join(root, 'room-a', recordingId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'pub1-1.webm'), body);
    symlinkSync(path.join(outside, 'secret.webm'), path.join(dir, 'pub2-1.webm'));
    writeFileSync(path.join(dir, 'pub3-1.webm'), 'not in the manifest');
    const track = (file: string, displayName: string) => ({
      file,
      publicationId: file.split('-')[0]!,
      participantId: `${displayName}-id`,
      displayName,
      source: 'camera' as const,
      container: 'webm' as const,
      startedAt: '2026-12-01T17:00:00.000Z',
      startOffsetMs: 0,
      stoppedAt: '2026-12-01T17:00:05.000Z',
      endOffsetMs: 5000,
    });
    const manifest: Manifest = {
      version: 1,
      roomId: 'room-a',
      recordingId,
      startedAt: '2026-12-01T17:00:00.000Z',
      stoppedAt: '2026-12-01T17:00:05.000Z',
      startedBy: { participantId: 'Ann-id', displayName: 'Ann' },
      stopReason: 'stopped',
      tracks: [track('pub1-1.webm', 'Ann'), track('pub2-1.webm', 'Bob')],
    };
    await writeManifest(dir, manifest);
    const signer = new FileSigner();
    server = createServer((req, res) =>
      handleRecordings(req, res, {
        root,
        isRecording: (roomId) => roomId === 'room-live',
        verifyHost: async (roomId, credential) =>
          (await credentials.verify(roomId, credential))?.host === true,
        signer,
        logger: testLogger(),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { headers });

  async function listAsHost(): Promise<RecordingList> {
    const credential = await credentials.issue('room-a', { identity: 'ann', host: true });
    const res = await get('/api/recordings/room-a', { authorization: `Bearer ${credential}` });
    expect(res.status).toBe(200);
    return (await res.json()) as RecordingList;
  }

  it('tells anyone whether a meeting is being recorded', async () => {
    expect(await (await get('/api/recordings/room-live/status')).json()).toEqual({
      recording: true,
    });
    expect(await (await get('/api/recordings/Room-A/status')).json()).toEqual({ recording: false });
    expect((await get('/api/recordings/bad%20id!/status')).status).toBe(400);
  });

  it('lists recordings to hosts only', async () => {
    expect((await get('/api/recordings/room-a')).status).toBe(401);
    const otherRoom = await credentials.issue('room-b', { identity: 'ann', host: true });
    const notHost = await credentials.issue('room-a', { identity: 'bob', host: false });
    const guest = await get('/api/recordings/room-a', { authorization: `Bearer ${notHost}` });
    expect(guest.status).toBe(403);
    const refused = await get('/api/recordings/room-a', { authorization: `Bearer ${otherRoom}` });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });

    const list = await listAsHost();
    expect(list.recordings).toHaveLength(1);
    expect(list.recordings[0]).toMatchObject({ id: recordingId, startedBy: 'Ann' });
    expect(list.recordings[0]!.files[0]).toMatchObject({
      file: 'pub1-1.webm',
      displayName: 'Ann',
      durationMs: 5000,
      sizeBytes: 1000,
    });
  });

  it('serves a file through its signed link, whole or by byte range, with its content type', async () => {
    const url = (await listAsHost()).recordings[0]!.files[0]!.url!;
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(body)).toBe(true);

    const part = await get(url, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10, 20))).toBe(true);
    const tail = await get(url, { range: 'bytes=-5' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(995))).toBe(true);
    expect((await get(url, { range: 'bytes=5000-' })).status).toBe(416);

    const download = await get(`${url}&download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="Ann-/);
    await download.arrayBuffer();
  });

  it('refuses unsigned, tampered and expired links, and anything outside the directory', async () => {
    const url = (await listAsHost()).recordings[0]!.files[0]!.url!;
    const bare = url.split('?')[0]!;
    expect((await get(bare)).status).toBe(403);
    const tampered = url.replace(
      /sig=[^&]+/,
      (sig) => sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A'),
    );
    expect((await get(tampered)).status).toBe(403);
    expect((await get(url.replace(/exp=\d+/, 'exp=1'))).status).toBe(403);
    // Another file with this file's signature.
    expect((await get(url.replace('pub1-1', 'pub3-1'))).status).toBe(403);
    for (const evil of [
      `/api/recordings/room-a/..%2F..%2F..%2Fetc/passwd`,
      `/api/recordings/room-a/${recordingId}/..%2Fmanifest.json`,
      `/api/recordings/room-a/../../etc/passwd`,
    ]) {
      expect([400, 403, 404]).toContain((await get(evil)).status);
    }
  });

  it('a listed file that is a symlink out of the directory is not served', async () => {
    const files = (await listAsHost()).recordings[0]!.files;
    const bob = files.find((f) => f.displayName === 'Bob')!;
    expect(bob.url).not.toBeNull();
    expect((await get(bob.url!)).status).toBe(404);
  });
});
