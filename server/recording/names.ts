/*
 * Where a recording's files go under RECORDINGS_DIR (issue 14). Names are built only from
 * characters we choose, never from what a participant typed, so they cannot escape the directory
 * or collide: `<room>/<UTC start>-<random>/<publication>-<part>.<ext>`, created exclusively.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Only these survive in a path segment; anything else becomes `_` (ids are already like this). */
export function segment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return safe === '' || /^_+$/.test(safe) ? 'x' : safe;
}

export interface RecordingDir {
  /** Absolute directory of this recording (created, empty). */
  dir: string;
  /** Its name, for URLs and the manifest. */
  id: string;
  /** `<room>/<id>`: the same place under another root (the media server's view of it). */
  relative: string;
}

/** Creates a fresh directory for one recording of `roomId`; never reuses one that exists. */
export function newRecordingDir(root: string, roomId: string, now = new Date()): RecordingDir {
  const base = path.resolve(root);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (;;) {
    const id = `${stamp}-${randomBytes(4).toString('hex')}`;
    const relative = path.join(segment(roomId), id);
    const dir = path.join(base, relative);
    try {
      mkdirSync(path.dirname(dir), { recursive: true });
      mkdirSync(dir); // fails if it exists: exclusive
      return { dir, id, relative };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The file of one publication in a recording, and the file:// URI the media server writes to.
 * `part` counts the publication's files in this recording (a renewed connection starts a new
 * one); `mediaRoot` is RECORDINGS_DIR as the media server sees it (default: the same).
 */
export function publicationFile(
  recording: RecordingDir,
  publicationId: string,
  container: 'webm' | 'mp4',
  options: { part?: number; mediaRoot?: string } = {},
): { name: string; file: string; uri: string } {
  const part = Math.max(1, Math.floor(options.part ?? 1));
  const name = `${segment(publicationId)}-${part}.${container}`;
  const file = path.join(recording.dir, name);
  const mediaFile =
    options.mediaRoot === undefined ? file : path.join(options.mediaRoot, recording.relative, name);
  return { name, file, uri: pathToFileURL(mediaFile).href };
}
