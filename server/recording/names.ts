/*
 * Where a recording's files go under RECORDINGS_DIR (issue 14). Names are built only from
 * characters we choose, never from what a participant typed, so they cannot escape the directory
 * or collide: `<room>/<UTC start>-<random>/<publication>.<ext>`, created exclusively.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Only these survive in a path segment; anything else becomes `_` (ids are already like this). */
function segment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return safe === '' || /^_+$/.test(safe) ? 'x' : safe;
}

export interface RecordingDir {
  /** Absolute directory of this recording (created, empty). */
  dir: string;
  /** Its name, for URLs and the manifest. */
  id: string;
}

/** Creates a fresh directory for one recording of `roomId`; never reuses one that exists. */
export function newRecordingDir(root: string, roomId: string, now = new Date()): RecordingDir {
  const base = path.resolve(root);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (;;) {
    const id = `${stamp}-${randomBytes(4).toString('hex')}`;
    const dir = path.join(base, segment(roomId), id);
    try {
      mkdirSync(path.dirname(dir), { recursive: true });
      mkdirSync(dir); // fails if it exists: exclusive
      return { dir, id };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The file of one publication in a recording, and the file:// URI the media server writes to. */
export function publicationFile(
  recording: RecordingDir,
  publicationId: string,
  container: 'webm' | 'mp4',
): { file: string; uri: string } {
  const file = path.join(recording.dir, `${segment(publicationId)}.${container}`);
  return { file, uri: pathToFileURL(file).href };
}
