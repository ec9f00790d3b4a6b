/**
 * Minted credentials against a real coturn (Debian's package, started on 127.0.0.1 with
 * use-auth-secret): a TURN Allocate with the pair succeeds, and coturn refuses (401) a pair made with
 * another secret or past its expiry. Run as root in a loopback-only namespace:
 *   unshare -n sh -c 'ip link set lo up && npx vitest run server/turn/coturn.test.ts'
 */
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findTurnserver, startCoturn, type Coturn } from '../../scripts/lib/coturn';
import { allocate } from '../../scripts/lib/stun';
import { mintTurnCredential } from './credentials';

// In CI (where npm test installs coturn) a missing coturn fails here instead of skipping.
const runnable = findTurnserver() !== undefined || Boolean(process.env.CI);

describe.skipIf(!runnable)('minted TURN credentials with a real coturn', () => {
  const secret = randomBytes(24).toString('base64');
  let coturn: Coturn;

  beforeAll(async () => {
    coturn = await startCoturn({ secret });
  });
  afterAll(async () => {
    await coturn?.stop();
  });

  const tryAllocate = (username: string, credential: string) =>
    allocate(coturn.host, coturn.port, username, credential);

  it('allocates a relay with a pair minted from the shared secret', async () => {
    const pair = mintTurnCredential({ secret, ttlSeconds: 600, id: 'participant-1' });
    const outcome = await tryAllocate(pair.username, pair.credential);
    expect(outcome, coturn.log()).toMatchObject({ ok: true, integrityOk: true });
    if (outcome.ok) expect(outcome.relayed).toMatch(/^127\.0\.0\.1:\d+$/);
    // The bare-expiry form the media servers get works too.
    const bare = mintTurnCredential({ secret, ttlSeconds: 600 });
    expect(await tryAllocate(bare.username, bare.credential)).toMatchObject({ ok: true });
  });

  it('refuses (401) a pair minted with another secret', async () => {
    const pair = mintTurnCredential({ secret: `${secret}-not`, ttlSeconds: 600, id: 'intruder' });
    expect(await tryAllocate(pair.username, pair.credential)).toMatchObject({
      ok: false,
      code: 401,
    });
  });

  it('refuses (401) a pair past its expiry, and a tampered expiry', async () => {
    const expired = mintTurnCredential({
      secret,
      ttlSeconds: 60,
      id: 'late',
      now: Date.now() - 120_000,
    });
    expect(await tryAllocate(expired.username, expired.credential)).toMatchObject({
      ok: false,
      code: 401,
    });
    // Pushing the expiry forward without the secret breaks the HMAC.
    const later = `${expired.expiresAt + 3_600}:late`;
    expect(await tryAllocate(later, expired.credential)).toMatchObject({ ok: false, code: 401 });
  });
});
