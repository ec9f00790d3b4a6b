import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { MEDIA_SERVER_NODE_FLAGS } from '../../server/media/nodeFlags';
import { repoRoot } from './machine';
import { productionNodeFlags } from './stack';

describe('productionNodeFlags', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'moim-noflags-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("runs a build's media server with the flags its app forks it with", async () => {
    expect(MEDIA_SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(await productionNodeFlags(repoRoot)).toEqual([...MEDIA_SERVER_NODE_FLAGS]);
  });

  it('runs a build from before server/media/nodeFlags.ts without any', async () => {
    expect(await productionNodeFlags(empty)).toEqual([]);
  });
});
