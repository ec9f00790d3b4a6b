/*
 * What is recorded for a room, read back from the manifests under RECORDINGS_DIR (the files'
 * truth outlives the process: recordings of earlier runs are listed too).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

import type { RecordingFileInfo, RecordingInfo } from '../../lib/protocol';
import type { Manifest } from './manifest';
import { readManifest } from './manifest';
import { segment } from './names';

/** A recording id (`<UTC start>-<random>`) and a file name as `names.ts` makes them. */
const recordingIdPattern = /^[A-Za-z0-9_-]{1,96}$/;
const fileNamePattern = /^[A-Za-z0-9_-]{1,80}\.(webm|mp4)$/;

export const contentTypes = { webm: 'video/webm', mp4: 'video/mp4' } as const;

/** Every recording of `roomId`, newest first; `urlOf` makes each finished file's URL. */
export async function listRecordings(
  root: string,
  roomId: string,
  urlOf: (recordingId: string, file: string) => string,
): Promise<RecordingInfo[]> {
  const dir = path.join(root, segment(roomId));
  let ids: string[];
  try {
    ids = (await readdir(dir)).filter((id) => recordingIdPattern.test(id));
  } catch {
    return [];
  }
  const manifests = await Promise.all(ids.map((id) => readManifest(path.join(dir, id))));
  const recordings = await Promise.all(
    manifests
      .filter((m): m is Manifest => m !== undefined && m.roomId === roomId)
      .map((m) => describe(path.join(dir, m.recordingId), m, urlOf)),
  );
  return recordings.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

async function describe(
  dir: string,
  manifest: Manifest,
  urlOf: (recordingId: string, file: string) => string,
): Promise<RecordingInfo> {
  const files = await Promise.all(
    manifest.tracks.map(async (track): Promise<RecordingFileInfo> => {
      const size = await stat(path.join(dir, track.file)).then(
        (s) => s.size,
        () => 0,
      );
      const done = track.endOffsetMs !== null;
      return {
        file: track.file,
        participantId: track.participantId,
        displayName: track.displayName,
        source: track.source,
        container: track.container,
        startOffsetMs: track.startOffsetMs,
        durationMs: done ? track.endOffsetMs! - track.startOffsetMs : null,
        sizeBytes: size,
        url: done && size > 0 ? urlOf(manifest.recordingId, track.file) : null,
      };
    }),
  );
  return {
    id: manifest.recordingId,
    startedAt: manifest.startedAt,
    stoppedAt: manifest.stoppedAt,
    startedBy: manifest.startedBy.displayName,
    stopReason: manifest.stopReason,
    files,
  };
}

/**
 * The absolute path of a finished recorded file, or undefined: ids and names must be ones we
 * make, the file must be in its recording's manifest, and (symlinks resolved) inside the root.
 */
export async function resolveRecordedFile(
  root: string,
  roomId: string,
  recordingId: string,
  file: string,
): Promise<{ path: string; container: 'webm' | 'mp4'; downloadName: string } | undefined> {
  if (!recordingIdPattern.test(recordingId) || !fileNamePattern.test(file)) return undefined;
  const dir = path.join(root, segment(roomId), recordingId);
  const manifest = await readManifest(dir);
  const track = manifest?.roomId === roomId ? manifest.tracks.find((t) => t.file === file) : null;
  if (!track || track.endOffsetMs === null) return undefined;
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path.join(dir, file))]);
    const relative = path.relative(realRoot, real);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    const name = `${segment(track.displayName)}-${track.source}-${recordingId}.${track.container}`;
    return { path: real, container: track.container, downloadName: name };
  } catch {
    return undefined;
  }
}
