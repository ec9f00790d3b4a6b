import { describe, expect, it } from 'vitest';

import { mediaServerEnv } from './nodeFlags';

describe('mediaServerEnv', () => {
  const bundle = '/etc/ssl/certs/ca-certificates.crt';

  it('forks the media server without extra CA certificates (parsed at start-up, never used)', () => {
    const env = mediaServerEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: bundle });
    expect(env).toEqual({ PATH: '/bin' });
    expect('NODE_EXTRA_CA_CERTS' in env).toBe(false);
  });

  it('keeps them for a TURN server over TLS, werift being a TLS client then', () => {
    for (const turn of [
      'u:p@turn.example:5349?transport=tls',
      'turn:u:p@a:3478,turns:u:p@b:5349',
    ]) {
      expect(mediaServerEnv({ NODE_EXTRA_CA_CERTS: bundle, MEDIA_TURN: turn })).toEqual({
        NODE_EXTRA_CA_CERTS: bundle,
        MEDIA_TURN: turn,
      });
    }
    const udp = 'u:p@turn.example:3478?transport=udp';
    expect(mediaServerEnv({ NODE_EXTRA_CA_CERTS: bundle, MEDIA_TURN: udp })).toEqual({
      MEDIA_TURN: udp,
    });
  });

  it("leaves the parent's environment as it was", () => {
    const parent = { NODE_EXTRA_CA_CERTS: bundle };
    mediaServerEnv(parent);
    expect(parent).toEqual({ NODE_EXTRA_CA_CERTS: bundle });
  });
});
