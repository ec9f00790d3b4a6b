import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { JoinRoomRequest, Result } from '../../lib/protocol';
import { createApp } from '../app';
import type { App } from '../app';
import { parseEnv } from '../env';
import type { TestClient } from '../test/harness';
import { testLogger } from '../test/harness';
import { HostCredentials, mintJoinToken, secretKey } from './credentials';

/**
 * Join tokens are checked before the join reaches a media server, so none is needed: an admitted
 * join fails later with MEDIA_SERVER_UNAVAILABLE, a refused one with its TOKEN_* code.
 */
const secret = 'the-room-token-secret-of-this-test-0123';
let app: App;
let url: string;

beforeAll(async () => {
  app = createApp({
    env: parseEnv({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ROOM_TOKEN_SECRET: secret }),
    logger: testLogger(),
    mediaServerUrl: 'ws://127.0.0.1:9/kurento',
  });
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
afterAll(() => app?.close());

async function joinWith(token: string | undefined, roomId = 'board'): Promise<Result<unknown>> {
  const socket: TestClient = connect(url, { transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const request: JoinRoomRequest = { roomId, displayName: 'Ada', ...(token ? { token } : {}) };
  const result = await socket.timeout(10_000).emitWithAck('room:join', request);
  socket.disconnect();
  return result;
}

function codeOf(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

describe('join tokens (ROOM_TOKEN_SECRET set)', () => {
  it('no token: TOKEN_REQUIRED', async () => {
    expect(codeOf(await joinWith(undefined))).toBe(ErrorCode.TokenRequired);
  });

  it('forged (another secret) or garbage: TOKEN_INVALID', async () => {
    const forged = await mintJoinToken(
      'some-other-secret-that-is-long-enough-0',
      { room: 'board', name: 'Ada', role: 'host' },
      600,
    );
    expect(codeOf(await joinWith(forged))).toBe(ErrorCode.TokenInvalid);
    expect(codeOf(await joinWith('not.a.jwt'))).toBe(ErrorCode.TokenInvalid);
    // A host credential of this server is not a join token either.
    const credential = await new HostCredentials(secretKey(secret)).issue('board', {
      identity: 'ada',
      host: true,
    });
    expect(codeOf(await joinWith(credential))).toBe(ErrorCode.TokenInvalid);
  });

  it('expired: TOKEN_EXPIRED', async () => {
    const expired = await mintJoinToken(secret, { room: 'board', name: 'Ada', role: 'host' }, -60);
    expect(codeOf(await joinWith(expired))).toBe(ErrorCode.TokenExpired);
  });

  it('for another room: TOKEN_WRONG_ROOM', async () => {
    const other = await mintJoinToken(secret, { room: 'other', name: 'Ada', role: 'host' }, 600);
    expect(codeOf(await joinWith(other))).toBe(ErrorCode.TokenWrongRoom);
  });

  it('a valid token is admitted (and goes on to the media server)', async () => {
    const valid = await mintJoinToken(secret, { room: 'board', name: 'Ada', role: 'host' }, 600);
    expect(codeOf(await joinWith(valid))).toBe(ErrorCode.MediaServerUnavailable);
  });
});

describe('host credentials', () => {
  it('are valid for their room only, and only under the key that signed them', async () => {
    const key = secretKey(undefined);
    const credentials = new HostCredentials(key);
    const credential = await credentials.issue('standup', { identity: 'ada', host: true });
    expect(await credentials.verify('standup', credential)).toEqual({
      identity: 'ada',
      host: true,
    });
    expect(await credentials.verify('retro', credential)).toBeUndefined();
    // A restart without HOST_SECRET generates a new key: the old credential no longer works.
    const restarted = new HostCredentials(secretKey(undefined));
    expect(await restarted.verify('standup', credential)).toBeUndefined();
    expect(await credentials.verify('standup', `${credential}x`)).toBeUndefined();
    // A participant's credential names them without making them host.
    const guest = await credentials.issue('standup', { identity: 'bo', host: false });
    expect(await credentials.verify('standup', guest)).toEqual({ identity: 'bo', host: false });
  });
});
