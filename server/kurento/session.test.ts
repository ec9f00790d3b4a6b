import type { KurentoCallback, RawKurentoClient } from 'kurento-client';
import { describe, expect, it } from 'vitest';

import { createLogger } from '../logger';
import { expectString } from './objects';
import { KurentoSession } from './session';

/** Only what `kill()` touches: `call()` never uses the raw client itself. */
function fakeRawClient(): RawKurentoClient & { closed: boolean } {
  const reconnector = {
    connected: true,
    on: () => reconnector,
    removeAllListeners: () => reconnector,
    disconnect: () => reconnector,
  };
  const raw = {
    closed: false,
    _re: reconnector,
    create: () => undefined,
    getServerManager: () => undefined,
    getMediaobjectById: () => undefined,
    on: () => raw,
    removeAllListeners: () => raw,
    close: () => {
      raw.closed = true;
    },
  };
  return raw as unknown as RawKurentoClient & { closed: boolean };
}

function session(): {
  session: KurentoSession;
  raw: ReturnType<typeof fakeRawClient>;
  rpcs: string[];
} {
  const raw = fakeRawClient();
  const rpcs: string[] = [];
  return {
    raw,
    rpcs,
    session: new KurentoSession(raw, createLogger('silent'), {
      rpc: (operation, _seconds, ok) => rpcs.push(`${operation}:${ok ? 'ok' : 'error'}`),
    }),
  };
}

describe('KurentoSession.call (the facade over callback-style kurento-client calls)', () => {
  it('turns a server error into a KurentoError carrying its code', async () => {
    const { session: s, rpcs } = session();
    const error = Object.assign(new Error('Already negotiated'), { code: 40208 });
    await expect(
      s.call('processOffer', (cb: KurentoCallback) => cb(error), expectString('processOffer')),
    ).rejects.toMatchObject({ kind: 'rejected', code: 40208, operation: 'processOffer' });
    expect(rpcs).toEqual(['processOffer:error']);
  });

  it('treats undefined where an SDP is promised as an error, not an answer', async () => {
    const { session: s } = session();
    await expect(
      s.call('processOffer', (cb) => cb(null, undefined), expectString('processOffer')),
    ).rejects.toMatchObject({ kind: 'bad-result' });
    await expect(
      s.call('processOffer', (cb) => cb(null, 'v=0\r\n'), expectString('processOffer')),
    ).resolves.toBe('v=0\r\n');
  });

  it('rejects a synchronous throw from kurento-client', async () => {
    const { session: s } = session();
    await expect(
      s.call(
        'connect',
        () => {
          throw new SyntaxError('bad argument');
        },
        () => null,
      ),
    ).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('kill() fails pending calls at once, refuses new ones, ignores late answers', async () => {
    const { session: s, raw } = session();
    let late: KurentoCallback | undefined;
    const pending = s.call(
      'gatherCandidates',
      (cb) => (late = cb),
      () => null,
    );
    s.kill('connection closed');
    await expect(pending).rejects.toMatchObject({ kind: 'unavailable' });
    late?.(null, null);
    await expect(
      s.call(
        'release',
        (cb) => cb(null),
        () => null,
      ),
    ).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(s.alive).toBe(false);
    expect(raw.closed).toBe(true);
  });
});
