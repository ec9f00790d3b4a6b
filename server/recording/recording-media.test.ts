/**
 * What the app's recording path writes, with real video (ffmpeg-made VP8 and H.264 clips sent by
 * werift publishers through the signaling server) into the real embedded media server, read back
 * with ffprobe: a host's forced mute keeps that media out of the file as it keeps it from the
 * viewers; an H.264 camera is recorded to MP4, a screen share to its own WebM file.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { RecordingState, Result } from '../../lib/protocol';
import type { ClipFrame } from '../test/clip-player';
import { ClipPlayer, makeClip } from '../test/clip-player';
import { largestGap, packetTimes, probeFile, streamsOf } from '../test/ffprobe';
import type { TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { connectClient, joined, waitUntil } from '../test/harness';
import type { PublishOptions } from '../test/peers';
import { Publisher, waitConnected } from '../test/peers';
import { listRecordings } from './catalog';
import type { Manifest, ManifestTrack } from './manifest';
import { readManifest } from './manifest';
import { segment } from './names';

function request(socket: TestClient, event: 'recording:start' | 'recording:stop') {
  return socket.timeout(15_000).emitWithAck(event) as Promise<Result<RecordingState>>;
}

describe('recorded media through the app', () => {
  const stack = useEmbeddedCall({ recordings: true });
  const peers = stack.peers;
  let clips: { VP8: ClipFrame[]; H264: ClipFrame[] };

  beforeAll(() => {
    const fixtures = mkdtempSync(path.join(os.tmpdir(), 'moim-clips-'));
    clips = { VP8: makeClip(fixtures, 'VP8'), H264: makeClip(fixtures, 'H264') };
    rmSync(fixtures, { recursive: true, force: true });
  });

  /** The room's only recording (its folder and manifest). */
  async function recording(roomId: string): Promise<{ dir: string; manifest: Manifest }> {
    const roomDir = path.join(stack.recordingsDir, segment(roomId));
    const [id, ...more] = readdirSync(roomDir);
    expect(more).toEqual([]);
    const dir = path.join(roomDir, id ?? '');
    const manifest = await readManifest(dir);
    if (!manifest) throw new Error(`no manifest in ${dir}`);
    return { dir, manifest };
  }

  async function tracks(roomId: string): Promise<ManifestTrack[]> {
    try {
      return (await recording(roomId)).manifest.tracks;
    } catch {
      return [];
    }
  }

  /** A host (first in), and someone who publishes real video (and tagged audio). */
  async function meeting(roomId: string) {
    const host = await connectClient(stack.server.url);
    await joined(host, roomId, 'Ann');
    const bob = await connectClient(stack.server.url);
    await joined(bob, roomId, 'Bob');
    const publish = async (options: PublishOptions & { codec: 'VP8' | 'H264' }) => {
      const publisher = await Publisher.start(bob, options);
      peers.push(publisher);
      await waitConnected(publisher.pc);
      if (options.audio !== false) publisher.pumpAudio(0xb0b);
      return { publisher, video: new ClipPlayer(publisher, options.codec, clips[options.codec]) };
    };
    const room = () => {
      const found = stack.server.app.rooms.get(roomId);
      if (!found) throw new Error(`no room ${roomId}`);
      return found;
    };
    return { host, publish, room };
  }

  it('a forced mute while recording keeps that audio out of the file until it is lifted; the video goes on', async () => {
    const { host, publish, room } = await meeting('rec-forced');
    const { publisher, video } = await publish({ codec: 'VP8' });
    expect((await request(host, 'recording:start')).ok).toBe(true);
    await waitUntil(async () => (await tracks('rec-forced')).length === 1, "Bob's file");
    await video.waitFrames(30);

    await room().setForcedMute(publisher.id, { audio: true });
    await video.waitFrames(60); // about 2 s
    await room().setForcedMute(publisher.id, { audio: false });
    await video.waitFrames(30);
    expect((await request(host, 'recording:stop')).ok).toBe(true);

    const { dir, manifest } = await recording('rec-forced');
    // The file held audio from its start, so the audio came back into the same file.
    expect(manifest.tracks).toHaveLength(1);
    const probe = probeFile(path.join(dir, manifest.tracks[0]!.file));
    expect(streamsOf(probe)).toEqual(['audio:opus', 'video:vp8']);
    const audio = packetTimes(probe, 'audio');
    const videoTimes = packetTimes(probe, 'video');
    // Audio before and after the mute (50 packets a second), none for most of its 2 s.
    expect(largestGap(audio)).toBeGreaterThan(1);
    const gapStart = audio.findIndex((t, i) => (audio[i + 1] ?? t) - t > 1);
    const [from, to] = [audio[gapStart]!, audio[gapStart + 1]!];
    expect(audio.filter((t) => t <= from).length).toBeGreaterThan(10);
    expect(audio.filter((t) => t >= to).length).toBeGreaterThan(10);
    // The video went on through it (30 frames a second, a packet per frame in the file).
    expect(videoTimes.filter((t) => t > from && t < to).length).toBeGreaterThan((to - from) * 10);
    expect(largestGap(videoTimes)).toBeLessThan(1);
  });

  it('a recording started while the audio is forced has none of it; lifted, the next part has both', async () => {
    const { host, publish, room } = await meeting('rec-forced-first');
    const { publisher, video } = await publish({ codec: 'VP8' });
    await room().setForcedMute(publisher.id, { audio: true });
    expect((await request(host, 'recording:start')).ok).toBe(true);
    await waitUntil(async () => (await tracks('rec-forced-first')).length === 1, 'part 1');
    await video.waitFrames(30);

    await room().setForcedMute(publisher.id, { audio: false });
    await waitUntil(async () => (await tracks('rec-forced-first')).length === 2, 'part 2');
    await video.waitFrames(30);
    expect((await request(host, 'recording:stop')).ok).toBe(true);

    const { dir, manifest } = await recording('rec-forced-first');
    const [first, second] = manifest.tracks;
    expect([first?.file, second?.file]).toEqual([
      `${segment(publisher.id)}-1.webm`,
      `${segment(publisher.id)}-2.webm`,
    ]);
    // Part 1 ends when part 2 has started: they line up without a gap.
    expect(first!.endOffsetMs!).toBeGreaterThanOrEqual(second!.startOffsetMs);
    const muted = probeFile(path.join(dir, first!.file));
    expect(streamsOf(muted)).toEqual(['video:vp8']);
    expect(packetTimes(muted, 'video').length).toBeGreaterThan(10);
    const lifted = probeFile(path.join(dir, second!.file));
    expect(streamsOf(lifted)).toEqual(['audio:opus', 'video:vp8']);
    expect(packetTimes(lifted, 'audio').length).toBeGreaterThan(10);
  });

  it('an H.264 camera is recorded to MP4, a screen share to its own WebM, listed as a screen share', async () => {
    const { host, publish } = await meeting('rec-codecs');
    const camera = await publish({ codec: 'H264' });
    const screen = await publish({ codec: 'VP8', source: 'screen', audio: false });
    expect((await request(host, 'recording:start')).ok).toBe(true);
    await waitUntil(async () => (await tracks('rec-codecs')).length === 2, 'both files');
    await Promise.all([camera.video.waitFrames(45), screen.video.waitFrames(45)]);
    expect((await request(host, 'recording:stop')).ok).toBe(true);

    const { dir, manifest } = await recording('rec-codecs');
    const cameraTrack = manifest.tracks.find((t) => t.publicationId === camera.publisher.id);
    const screenTrack = manifest.tracks.find((t) => t.publicationId === screen.publisher.id);
    expect(cameraTrack).toMatchObject({ source: 'camera', container: 'mp4' });
    expect(screenTrack).toMatchObject({ source: 'screen', container: 'webm', displayName: 'Bob' });

    const mp4 = probeFile(path.join(dir, cameraTrack!.file));
    expect(mp4.format.format_name).toContain('mp4');
    expect(streamsOf(mp4)).toEqual(['audio:opus', 'video:h264']);
    const h264 = mp4.streams.find((s) => s.codec_type === 'video');
    expect([h264?.width, h264?.height]).toEqual([320, 240]);
    expect(packetTimes(mp4, 'video').length).toBeGreaterThan(20);

    const webm = probeFile(path.join(dir, screenTrack!.file));
    expect(webm.format.format_name).toContain('webm');
    expect(streamsOf(webm)).toEqual(['video:vp8']);
    expect(packetTimes(webm, 'video').length).toBeGreaterThan(20);

    // The recordings page's list: two files, one of them the screen share, both playable.
    const [listed] = await listRecordings(
      stack.recordingsDir,
      'rec-codecs',
      (id, file) => `/${id}/${file}`,
    );
    expect(listed?.files.map((f) => [f.source, f.container]).sort()).toEqual([
      ['camera', 'mp4'],
      ['screen', 'webm'],
    ]);
    expect(listed?.files.every((f) => f.url !== null)).toBe(true);
  });
});
