import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/** Heap bytes per kept `crypto.randomUUID()` id, in a child (with the patch or without). */
function bytesPerId(patched: boolean): { bytes: number; format: boolean } {
  const child = `
${patched ? `require(${JSON.stringify(path.join(import.meta.dirname, 'peerIds.ts'))});` : ''}
const crypto = require('node:crypto');
const n = 20000;
const kept = new Array(n);
globalThis.gc(); globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < n; i++) kept[i] = crypto.randomUUID();
globalThis.gc(); globalThis.gc();
const bytes = (process.memoryUsage().heapUsed - before) / n;
const format = kept.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))
  && new Set(kept).size === n;
process.stdout.write(JSON.stringify({ bytes, format }));
`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', child], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { bytes: number; format: boolean };
}

describe('flat random ids (issue 15, memory)', () => {
  it('keeps a version-4 UUID in a flat string instead of a rope of cons strings', () => {
    const rope = bytesPerId(false);
    const flat = bytesPerId(true);
    expect(rope.format && flat.format).toBe(true);
    // A rope measured ~840 bytes, a flat 36-character string ~56 (+ 8 for the array slot).
    expect(rope.bytes).toBeGreaterThan(400);
    expect(flat.bytes).toBeLessThan(120);
  });
});
