import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { sparseCodecs } from './receiverCodecs';

describe('sparseCodecs (issue 15, memory)', () => {
  it('keeps the same codec objects by payload type', () => {
    const [vp8, opus] = [{ name: 'vp8' }, { name: 'opus' }];
    const receiver = { codecs: { 96: vp8, 111: opus } as Record<number, unknown> };
    const before = receiver.codecs;
    sparseCodecs(receiver);
    expect(receiver.codecs).not.toBe(before);
    expect(receiver.codecs[96]).toBe(vp8);
    expect(receiver.codecs[111]).toBe(opus);
    expect(receiver.codecs[97]).toBeUndefined();
    expect(Object.keys(receiver.codecs)).toEqual(['96', '111']);
    expect(Object.values(receiver.codecs)).toEqual([vp8, opus]);
    receiver.codecs[100] = vp8; // werift filling it again
    expect(Object.keys(receiver.codecs)).toEqual(['96', '100', '111']);
  });

  it('holds two codecs in far less than a slot per payload type up to 111', () => {
    // Heap bytes per table, in a child with --expose-gc: ~1,390 as werift's, ~230 after.
    const child = `
const { sparseCodecs } = require(${JSON.stringify(path.join(import.meta.dirname, 'receiverCodecs.ts'))});
const c = [{}, {}];
const bytes = (sparse) => {
  const make = () => { const r = { codecs: {} }; r.codecs[96] = c[0]; r.codecs[111] = c[1]; if (sparse) sparseCodecs(r); return r; };
  for (let i = 0; i < 500; i++) make();
  const kept = new Array(20000).fill(null);
  globalThis.gc(); globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < kept.length; i++) kept[i] = make();
  globalThis.gc(); globalThis.gc();
  return (process.memoryUsage().heapUsed - before) / kept.length;
};
process.stdout.write(JSON.stringify({ dense: bytes(false), sparse: bytes(true) }));
`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', child], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const { dense, sparse } = JSON.parse(out) as { dense: number; sparse: number };
    expect(dense).toBeGreaterThan(1000);
    expect(sparse).toBeLessThan(400);
  });
});
