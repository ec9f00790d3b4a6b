/**
 * The clean room of the join benchmark (issue 18): the N − 1 participants already in the call are
 * werift participants (bench/load's, in load-generator processes of their own) that publish a
 * real VP8 clip, looped, and subscribe to nobody. So a 2-core machine spends its time on Moim and
 * on the one Chromium page that joins and decodes them, not on N − 1 Chromium encoders and
 * (N − 1)² decoders. `--chromium-present` keeps the old room of Chromium pages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type ClipFrame, makeClip } from '../../server/test/clip-player';
import { LoadWorker } from '../forwarding/workers';

/** Participants per load-generator process (each publishes ~100 packets/s: a light process). */
const PER_WORKER = 4;

export interface PresentRoom {
  /** the load-generator processes, for the CPU shares */
  pids: number[];
  stop(): Promise<void>;
}

let clip: ClipFrame[] | undefined;

/** A 2 s 320×240 VP8 clip, made once per benchmark run by ffmpeg. */
function vp8Clip(): ClipFrame[] {
  if (clip) return clip;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moim-join-clip-'));
  try {
    clip = makeClip(dir, 'VP8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return clip;
}

/** Puts `count` werift publishers into `roomId`; resolves once each one's connection is up. */
export async function startPresentRoom(
  url: string,
  roomId: string,
  count: number,
  timeoutMs: number,
): Promise<PresentRoom> {
  const frames = vp8Clip();
  const workers: LoadWorker[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.stop()));
  };
  try {
    const lifetimeMs = 30 * 60_000;
    for (let i = 0; i < Math.ceil(count / PER_WORKER); i++) {
      workers.push(
        await LoadWorker.start(url, roomId, lifetimeMs, 1, 'moim', {
          clip: frames,
          subscribe: false,
        }),
      );
    }
    // One after another, as people arrive: each publication is announced before the next joins.
    for (let i = 0; i < count; i++) {
      const worker = workers[i % workers.length];
      if (!worker) throw new Error('no load worker');
      const added = await worker.add(i, timeoutMs);
      if (!added.ok) throw new Error(`present participant ${i + 1}: ${added.error ?? 'failed'}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { pids: workers.map((w) => w.pid), stop };
}
