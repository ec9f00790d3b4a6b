import { describe, expect, it } from 'vitest';

import { MEDIA_SERVER_ENV, withMediaServerEnv } from './nodeFlags';

describe('withMediaServerEnv', () => {
  it("adds the media server's environment to the parent's", () => {
    const env = withMediaServerEnv({ PATH: '/bin', GLIBC_TUNABLES: undefined });
    expect(env.PATH).toBe('/bin');
    expect(env.GLIBC_TUNABLES).toBe(MEDIA_SERVER_ENV.GLIBC_TUNABLES);
  });

  it("keeps an operator's GLIBC_TUNABLES after ours, so theirs win", () => {
    const env = withMediaServerEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' });
    expect(env.GLIBC_TUNABLES).toBe(`${MEDIA_SERVER_ENV.GLIBC_TUNABLES}:glibc.malloc.arena_max=4`);
  });

  it('does not change the parent', () => {
    const parent = { GLIBC_TUNABLES: 'glibc.malloc.top_pad=0' };
    withMediaServerEnv(parent);
    expect(parent).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.top_pad=0' });
  });
});
