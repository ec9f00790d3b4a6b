import { availableParallelism } from 'node:os';

import { describe, expect, it } from 'vitest';

import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env.port).toBe(3000);
    expect(env.host).toBe('0.0.0.0');
    expect(env.kmsUrl).toBeUndefined();
    expect(env.iceServers).toEqual([]);
    expect(env.roomMaxParticipants).toBe(16);
    expect(env.logLevel).toBe('info');
  });

  it('treats empty strings as unset', () => {
    const env = parseEnv({ KMS_URL: '', MEDIA_ANNOUNCED_IP: '', PORT: '8080' });
    expect(env.kmsUrl).toBeUndefined();
    expect(env.media.announcedIp).toBeUndefined();
    expect(env.port).toBe(8080);
  });

  it('builds ICE servers from STUN/TURN lists', () => {
    const env = parseEnv({
      STUN_URLS: 'stun:stun.example.org:3478, stun:other.example.org',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp',
      TURN_USERNAME: 'moim',
      TURN_CREDENTIAL: 'secret',
    });
    expect(env.iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478', 'stun:other.example.org'] },
      {
        urls: ['turn:turn.example.org:3478?transport=udp'],
        username: 'moim',
        credential: 'secret',
      },
    ]);
  });

  it('reads a pool of media servers from a KMS_URL list or MEDIA_PROCESSES, and MEDIA_WORKERS threads', () => {
    const env = parseEnv({ KMS_URL: 'ws://kms-1:8888/kurento, ws://kms-2:8888/kurento' });
    expect(env.kmsUrl).toBe('ws://kms-1:8888/kurento');
    expect(env.kmsUrls).toEqual(['ws://kms-1:8888/kurento', 'ws://kms-2:8888/kurento']);
    expect(parseEnv({}).media.processes).toBe(1);
    expect(parseEnv({ MEDIA_PROCESSES: '2' }).media.processes).toBe(2);
    // MEDIA_WORKERS is each media server's forwarding threads (default: one per core there).
    expect(parseEnv({}).media.forwardingThreads).toBe(Math.min(64, availableParallelism()));
    expect(parseEnv({ MEDIA_WORKERS: '0' }).media.forwardingThreads).toBe(0);
    // Engaged only while the media server's JS thread is busy, unless told always.
    expect(parseEnv({}).media.forwardingEngage).toBe('load');
    expect(parseEnv({ MEDIA_WORKERS_ENGAGE: 'always' }).media.forwardingEngage).toBe('always');
    expect(parseEnv({ MEDIA_WORKERS: '2' }).media.processes).toBe(1);
  });

  it('keeps a TURN_SECRET out of the static ICE servers (pairs are minted per join)', () => {
    const env = parseEnv({ TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'a-long-enough-secret' });
    expect(env.iceServers).toEqual([]);
    expect(env.turn).toEqual({
      secret: 'a-long-enough-secret',
      urls: ['turn:127.0.0.1:3478'],
      ttlSeconds: 86_400,
    });
    expect(env.iceTransportPolicy).toBe('all');
    const relay = parseEnv({
      ICE_SERVERS: '[{"urls":"turn:127.0.0.1","username":"u","credential":"c"}]',
      ICE_TRANSPORT_POLICY: 'relay',
    });
    expect(relay.iceTransportPolicy).toBe('relay');
  });

  it('prefers ICE_SERVERS JSON', () => {
    const env = parseEnv({
      ICE_SERVERS: '[{"urls":"stun:a.example.org"}]',
      STUN_URLS: 'stun:ignored.example.org',
    });
    expect(env.iceServers).toEqual([{ urls: 'stun:a.example.org' }]);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ KMS_URL: 'http://kms:8888' }, 'KMS_URL'],
    [{ ICE_SERVERS: 'not json' }, 'ICE_SERVERS'],
    [{ ICE_SERVERS: '[{"url":"stun:x"}]' }, 'ICE_SERVERS'],
    [{ TURN_URLS: 'turn:x' }, 'TURN_USERNAME'],
    [{ MEDIA_MIN_PORT: '50000', MEDIA_MAX_PORT: '40000' }, 'MEDIA_MIN_PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ KMS_URL: 'ws://ok:8888/kurento,kms:8888' }, 'KMS_URL'],
    [{ MEDIA_PROCESSES: '0' }, 'MEDIA_PROCESSES'],
    [{ MEDIA_WORKERS: '-1' }, 'MEDIA_WORKERS'],
    [{ MEDIA_WORKERS_ENGAGE: 'sometimes' }, 'MEDIA_WORKERS_ENGAGE'],
    [{ ROOM_MAX_PARTICIPANTS: '1' }, 'ROOM_MAX_PARTICIPANTS'],
    [{ TURN_URLS: 'turn:x', TURN_SECRET: 'short' }, 'TURN_SECRET'],
    [{ TURN_SECRET: 'a-long-enough-secret' }, 'TURN_URLS'],
    [
      { TURN_URLS: 'turn:x', TURN_SECRET: 'a-long-enough-secret', TURN_USERNAME: 'u' },
      'TURN_SECRET',
    ],
    [
      { TURN_URLS: 'turn:x', TURN_SECRET: 'a-long-enough-secret', TURN_TTL_SECONDS: '5' },
      'TURN_TTL_SECONDS',
    ],
    [{ ICE_TRANSPORT_POLICY: 'relay' }, 'ICE_TRANSPORT_POLICY'],
    [{ ICE_TRANSPORT_POLICY: 'turn-only' }, 'ICE_TRANSPORT_POLICY'],
  ])('rejects %j naming %s', (source, name) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(name);
  });
});
