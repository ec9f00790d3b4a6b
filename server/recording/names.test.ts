import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { newRecordingDir, publicationFile } from './names';

describe('recording file names', () => {
  const roots: string[] = [];
  const root = () => {
    const r = mkdtempSync(path.join(os.tmpdir(), 'rec-names-'));
    roots.push(r);
    return r;
  };
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('stay inside the root whatever the room and publication ids say', () => {
    const r = root();
    for (const evil of ['../../etc', '/abs/path', '..', '', 'a/b\\c', 'é😀', '.']) {
      const rec = newRecordingDir(r, evil);
      const { file, uri } = publicationFile(rec, evil, 'webm');
      for (const p of [rec.dir, file]) {
        const rel = path.relative(r, p);
        expect(rel.startsWith('..') || path.isAbsolute(rel), `${evil} → ${p}`).toBe(false);
      }
      expect(uri.startsWith('file://')).toBe(true);
      expect(path.basename(file)).toMatch(/^[A-Za-z0-9_-]+-1\.webm$/);
    }
  });

  it('never collide, even for the same room at the same instant', () => {
    const r = root();
    const now = new Date('2026-12-01T15:00:00Z');
    const dirs = new Set(Array.from({ length: 50 }, () => newRecordingDir(r, 'room', now).dir));
    expect(dirs.size).toBe(50);
  });
});
