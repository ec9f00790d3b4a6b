import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { MEDIA_SERVER_NODE_FLAGS, mediaServerEnv } from '../../server/media/nodeFlags';
import { repoRoot } from './machine';
import { productionEnv, productionNodeFlags } from './stack';

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

describe('productionEnv', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'moim-noenv-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  const parent = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' };

  it("runs a build's media server with the environment its app forks it with", async () => {
    expect(await productionEnv(parent, repoRoot)).toEqual(mediaServerEnv(parent));
    expect(await productionEnv(parent, repoRoot)).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
  });

  it('runs a build from before mediaServerEnv with the environment as it is', async () => {
    expect(await productionEnv(parent, empty)).toEqual(parent);
  });
});
