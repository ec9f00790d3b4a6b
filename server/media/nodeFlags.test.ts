import { describe, expect, it } from 'vitest';

import { mediaServerEnv } from './nodeFlags';

describe('mediaServerEnv', () => {
  const bundle = '/etc/ssl/certs/ca-certificates.crt';
  const arena = { MALLOC_ARENA_MAX: '1' };

  it('forks the media server without extra CA certificates (parsed at start-up, never used)', () => {
    const env = mediaServerEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: bundle });
    expect(env).toEqual({ ...arena, PATH: '/bin' });
    expect('NODE_EXTRA_CA_CERTS' in env).toBe(false);
  });

  it('keeps them for a TURN server over TLS, werift being a TLS client then', () => {
    for (const turn of [
      'u:p@turn.example:5349?transport=tls',
      'turn:u:p@a:3478,turns:u:p@b:5349',
    ]) {
      expect(mediaServerEnv({ NODE_EXTRA_CA_CERTS: bundle, MEDIA_TURN: turn })).toEqual({
        ...arena,
        NODE_EXTRA_CA_CERTS: bundle,
        MEDIA_TURN: turn,
      });
    }
    const udp = 'u:p@turn.example:3478?transport=udp';
    expect(mediaServerEnv({ NODE_EXTRA_CA_CERTS: bundle, MEDIA_TURN: udp })).toEqual({
      ...arena,
      MEDIA_TURN: udp,
    });
  });

  it("gives glibc one malloc arena unless the parent's environment chose a number", () => {
    expect(mediaServerEnv({})).toEqual({ MALLOC_ARENA_MAX: '1' });
    expect(mediaServerEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4' });
  });

  it("leaves the parent's environment as it was", () => {
    const parent = { NODE_EXTRA_CA_CERTS: bundle };
    mediaServerEnv(parent);
    expect(parent).toEqual({ NODE_EXTRA_CA_CERTS: bundle });
  });
});
