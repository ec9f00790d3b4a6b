import { describe, expect, it } from 'vitest';

import { parseEnv } from '../env';
import { mintTurnCredential } from './credentials';
import { iceConfigFor, mediaTurnUrlFor } from './ice-config';

const secret = '0123456789abcdef-secret';
// 2023-11-14T22:13:20Z; expiry one day later.
const now = 1_700_000_000_000;

describe('TURN REST API credentials', () => {
  it('mints <expiry>:<id> and base64(HMAC-SHA1(secret, user name)), as openssl computes it', () => {
    // echo -n "1700086400:alice" | openssl dgst -sha1 -hmac "$secret" -binary | base64
    expect(mintTurnCredential({ secret, ttlSeconds: 86_400, id: 'alice', now })).toEqual({
      username: '1700086400:alice',
      credential: 'maC8r3rmObPstWniF2cBcHlYY2o=',
      expiresAt: 1_700_086_400,
    });
    expect(mintTurnCredential({ secret, ttlSeconds: 86_400, now })).toEqual({
      username: '1700086400',
      credential: 'ENdv0G65cah0eOBzdqrMEvquGK0=',
      expiresAt: 1_700_086_400,
    });
  });

  it('refuses an id that would be read as part of the expiry', () => {
    expect(() => mintTurnCredential({ secret, ttlSeconds: 60, id: 'a:b', now })).toThrow();
  });
});

describe('ICE config per join', () => {
  const env = parseEnv({
    STUN_URLS: 'stun:127.0.0.1:3478',
    TURN_URLS: 'turns:turn.example.org:5349,turn:192.0.2.7?transport=udp',
    TURN_SECRET: secret,
    TURN_TTL_SECONDS: '600',
    ICE_TRANSPORT_POLICY: 'relay',
  });

  it('adds a pair minted for the participant and never the secret', () => {
    const config = iceConfigFor(env, 'p-1', now);
    expect(config).toEqual({
      iceServers: [
        { urls: ['stun:127.0.0.1:3478'] },
        {
          urls: ['turns:turn.example.org:5349', 'turn:192.0.2.7?transport=udp'],
          username: '1700000600:p-1',
          credential: mintTurnCredential({ secret, ttlSeconds: 600, id: 'p-1', now }).credential,
        },
      ],
      iceTransportPolicy: 'relay',
    });
    expect(JSON.stringify(config)).not.toContain(secret);
    // A later join gets a later expiry: pairs are minted, not cached.
    expect(iceConfigFor(env, 'p-1', now + 5_000).iceServers[1]?.username).toBe('1700000605:p-1');
  });

  it("gives the media servers Kurento's turnUrl for the first plain TURN URL", () => {
    const { credential } = mintTurnCredential({ secret, ttlSeconds: 600, now });
    expect(mediaTurnUrlFor(env, now)).toBe(`1700000600:${credential}@192.0.2.7:3478?transport=udp`);
    expect(mediaTurnUrlFor(parseEnv({}), now)).toBeUndefined();
  });

  it('keeps static credentials without TURN_SECRET', () => {
    const plain = parseEnv({ TURN_URLS: 'turn:x', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'c' });
    expect(iceConfigFor(plain, 'p', now)).toEqual({
      iceServers: [{ urls: ['turn:x'], username: 'u', credential: 'c' }],
      iceTransportPolicy: 'all',
    });
    expect(mediaTurnUrlFor(plain, now)).toBeUndefined();
  });
});
