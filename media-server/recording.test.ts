/**
 * RecorderEndpoint and PlayerEndpoint through kurento-client: a werift publisher sends a real
 * VP8+Opus (or H.264+Opus) file made by ffmpeg; what is recorded is checked with ffprobe (tracks,
 * codecs, duration, decoded frame count), then played back into a WebRtcEndpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecorderEndpoint } from './objects/RecorderEndpoint';
import { FrameAssembler } from './recording/rtpFrames';
import type { KElement, KEndpoint } from './test/kurento';
import { invoke, k } from './test/kurento';
import { until, useMediaServer } from './test/env';
import { makeFixture, probe } from './test/ffmpeg';
import { publishFile } from './test/filePublisher';
import { view, waitConnected } from './test/peers';

const SECONDS = 3;

describe('RecorderEndpoint and PlayerEndpoint', () => {
  const ms = useMediaServer();
  let fixtures: string;
  beforeAll(() => {
    fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-fixtures-'));
    makeFixture(fixtures, 'webm', SECONDS);
    makeFixture(fixtures, 'mp4', SECONDS);
  });
  afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

  const root = () => ms.server.registry.recordingsRoot;
  const uriOf = (name: string) => pathToFileURL(path.join(root(), name)).href;

  async function recordFixture(kind: 'webm' | 'mp4', name: string) {
    const pipeline = await ms.pipeline();
    const pubEp = await ms.endpoint(pipeline);
    const profile = kind === 'webm' ? 'WEBM' : 'MP4';
    const rec = await k<KElement>((cb) =>
      pipeline.create('RecorderEndpoint', { uri: uriOf(name), mediaProfile: profile }, cb),
    );
    const events: string[] = [];
    for (const e of ['Recording', 'Paused', 'Stopped'] as const) rec.on(e, () => events.push(e));
    const states: string[] = [];
    rec.on('UriEndpointStateChanged', (e) => states.push(String(e['state'])));
    await k((cb) => pubEp.connect(rec, cb));
    const pub = await publishFile(pubEp, path.join(fixtures, `fixture.${kind}`));
    ms.cleanups.push(() => pub.close());
    return { pipeline, pubEp, rec, pub, events, states, file: path.join(root(), name) };
  }

  for (const kind of ['webm', 'mp4'] as const) {
    const codec = kind === 'webm' ? 'vp8' : 'h264';
    it(`records ${codec.toUpperCase()} + Opus from a werift publisher to ${kind.toUpperCase()}`, async () => {
      const r = await recordFixture(kind, `call.${kind}`);
      const t0 = performance.now();
      await invoke(r.rec, 'record');
      const sent = await r.pub.play();
      const recorded = (performance.now() - t0) / 1000;
      await invoke(r.rec, 'stopAndWait');
      await until(() => r.events.includes('Stopped'), 5000, 'Stopped');
      expect(r.events).toEqual(['Recording', 'Stopped']);
      expect(r.states).toEqual(['START', 'STOP']);
      expect(await invoke<string>(r.rec, 'getUri')).toBe(uriOf(`call.${kind}`));
      const info = probe(r.file);
      const v = info.streams.find((s) => s.codec_type === 'video');
      const a = info.streams.find((s) => s.codec_type === 'audio');
      expect(v?.codec_name).toBe(codec);
      expect(a?.codec_name).toBe('opus');
      expect([v?.width, v?.height]).toEqual([320, 240]);
      // As long as it recorded (its timeline starts at `record`), and about what was sent.
      const duration = Number(info.format.duration);
      expect(Math.abs(duration - recorded) / recorded).toBeLessThan(0.1);
      expect(Math.abs(duration - SECONDS) / SECONDS).toBeLessThan(0.25);
      // ffmpeg decodes every frame the recorder wrote, and that is (nearly) all that was sent: a
      // loopback under heavy load may drop a packet, which costs the frames up to a keyframe.
      const recorder = ms.server.registry.lookup(r.rec.id);
      if (!(recorder instanceof RecorderEndpoint)) throw new Error('no recorder');
      expect(Number(v?.nb_read_frames)).toBe(recorder.framesWritten('video'));
      expect(recorder.framesWritten('video')).toBeGreaterThanOrEqual(sent.video * 0.85);
      expect(recorder.framesWritten('video')).toBeLessThanOrEqual(sent.video);
      // Audio: the first packets can race the recorder's start.
      expect(Number(a?.nb_read_frames)).toBeGreaterThanOrEqual(sent.audio * 0.95);
      // In sync: both tracks start together, as they were sent (each track's first frame is
      // placed by its arrival, so a loaded machine's scheduling shows here: README, limits).
      const start = (s: typeof v) => Number(s?.start_time);
      expect(Math.abs(start(v) - start(a))).toBeLessThan(0.2);
    });
  }

  it('pause leaves the paused time out; events and states follow record/pause/stop', async () => {
    const r = await recordFixture('webm', 'paused.webm');
    const t0 = performance.now();
    await invoke(r.rec, 'record');
    const playing = r.pub.play();
    await new Promise((res) => setTimeout(res, 1000));
    const pausedAt = performance.now();
    await invoke(r.rec, 'pause');
    expect(await invoke<string>(r.rec, 'getState')).toBe('PAUSE');
    await new Promise((res) => setTimeout(res, 1000));
    const resumedAt = performance.now();
    await invoke(r.rec, 'record');
    await playing;
    const end = performance.now();
    await invoke(r.rec, 'stopAndWait');
    await until(() => r.events.includes('Stopped'), 5000, 'Stopped');
    expect(r.events).toEqual(['Recording', 'Paused', 'Recording', 'Stopped']);
    expect(r.states).toEqual(['START', 'PAUSE', 'START', 'STOP']);
    // Measured from the calls themselves: sleeps stretch on a loaded machine.
    const expected = (end - t0 - (resumedAt - pausedAt)) / 1000;
    const duration = Number(probe(r.file).format.duration);
    expect(Math.abs(duration - expected) / expected).toBeLessThan(0.15);
    expect(duration).toBeLessThan((end - t0) / 1000 - 0.5);
    // A stopped recorder does not start a second file.
    const again = await invoke(r.rec, 'record').catch((e: { code?: number }) => e);
    expect((again as { code?: number }).code).toBe(40107);
  });

  it('refuses URIs outside the recordings directory and codecs the profile cannot hold', async () => {
    const pipeline = await ms.pipeline();
    const create = (uri: string, mediaProfile = 'WEBM') =>
      k<KElement>((cb) => pipeline.create('RecorderEndpoint', { uri, mediaProfile }, cb)).catch(
        (e: { code?: number; message?: string }) => e,
      );
    for (const uri of [
      'file:///etc/evil.webm',
      pathToFileURL(path.join(root(), '..', 'escape.webm')).href,
      'http://example.com/x.webm',
      'not a uri',
    ]) {
      const err = (await create(uri)) as { code?: number; message?: string };
      expect(err.code, uri).toBe(40107);
      expect(err.message).toMatch(/recordings directory/);
    }
    expect(fs.existsSync(path.join(path.dirname(root()), 'escape.webm'))).toBe(false);
    // A VP8 publisher cannot be recorded to MP4 without transcoding.
    const pubEp = await ms.endpoint(pipeline);
    const pub = await publishFile(pubEp, path.join(fixtures, 'fixture.webm'));
    ms.cleanups.push(() => pub.close());
    const mp4 = (await create(uriOf('x.mp4'), 'MP4')) as KElement;
    const err = await k((cb) => pubEp.connect(mp4, cb)).catch((e: { code?: number }) => e);
    expect((err as { code?: number }).code).toBe(40004);
    // …but its audio alone can be (Opus in MP4).
    const audioOnly = (await create(uriOf('a.mp4'), 'MP4_AUDIO_ONLY')) as KElement;
    await k((cb) => pubEp.connect(audioOnly, cb));
  });

  it('PlayerEndpoint plays a recorded file into a WebRtcEndpoint; a werift viewer gets its frames', async () => {
    const r = await recordFixture('webm', 'toplay.webm');
    await invoke(r.rec, 'record');
    const sent = await r.pub.play();
    await invoke(r.rec, 'stopAndWait');
    const pipeline = await ms.pipeline();
    const player = await k<KElement>((cb) =>
      pipeline.create('PlayerEndpoint', { uri: uriOf('toplay.webm') }, cb),
    );
    const info = await invoke<Record<string, unknown>>(player, 'getVideoInfo');
    // The file's own duration (its timeline starts at `record`, a little before the media).
    const fileMs = Number(probe(r.file).format.duration) * 1000;
    expect(Math.abs(Number(info['duration']) - fileMs)).toBeLessThan(fileMs * 0.1);
    expect(info['isSeekable']).toBe(true);
    const viewEp = await ms.endpoint(pipeline);
    await k((cb) => player.connect(viewEp, cb));
    const viewer = await view(viewEp);
    ms.cleanups.push(() => viewer.pc.close());
    await waitConnected(viewer.pc);
    let ended = false;
    player.on('EndOfStream', () => (ended = true));
    await invoke(player, 'play');
    await until(() => ended, 15_000, 'EndOfStream');
    const asm = new FrameAssembler('vp8');
    const frames = viewer.received.video.map((p) => asm.push(p)).filter((f) => f !== undefined);
    expect(frames[0]?.key).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(sent.video * 0.85);
    expect(viewer.received.audio.length).toBeGreaterThan(sent.audio * 0.9);
    expect(await invoke<number>(player, 'getPosition')).toBe(0);
    const missing = await k((cb) =>
      pipeline.create('PlayerEndpoint', { uri: uriOf('nope.webm') }, cb),
    ).catch((e: { code?: number }) => e);
    expect((missing as { code?: number }).code).toBe(40107);
    void (viewEp as KEndpoint);
  });
});
