import { randomBytes } from 'node:crypto';

import { SignJWT, errors, jwtVerify } from 'jose';

import { ErrorCode, joinTokenClaimsSchema } from '../../lib/protocol';
import type { JoinTokenClaims } from '../../lib/protocol';
import { AppError } from '../errors';

const algorithm = 'HS256';
const issuer = 'moim';
const hostAudience = 'moim:host';
const joinAudience = 'moim:join';
/** A host credential outlives any meeting; the room id in it is what limits it. */
const hostCredentialTtl = '30d';

/** The key for HS256: the secret's bytes (random 32 bytes when none is configured). */
export function secretKey(secret: string | undefined): Uint8Array {
  return secret === undefined ? new Uint8Array(randomBytes(32)) : new TextEncoder().encode(secret);
}

/**
 * Host credentials: a JWT naming the room, signed with the server's secret, which the browser
 * keeps and presents when it joins again (a reload, a reconnect). With a generated secret they
 * stop working when the server restarts.
 */
export class HostCredentials {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  issue(roomId: string): Promise<string> {
    return new SignJWT({ room: roomId })
      .setProtectedHeader({ alg: algorithm })
      .setIssuer(issuer)
      .setAudience(hostAudience)
      .setIssuedAt()
      .setExpirationTime(hostCredentialTtl)
      .sign(this.#key);
  }

  /** True when `credential` is a valid host credential for `roomId`; anything else is false. */
  async verify(roomId: string, credential: string): Promise<boolean> {
    try {
      const { payload } = await jwtVerify(credential, this.#key, {
        algorithms: [algorithm],
        issuer,
        audience: hostAudience,
      });
      return payload['room'] === roomId;
    } catch {
      return false;
    }
  }
}

/** Mints a join token (scripts/token.ts, or an embedding product's backend doing the same). */
export function mintJoinToken(
  secret: string,
  claims: JoinTokenClaims,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: algorithm })
    .setIssuer(issuer)
    .setAudience(joinAudience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/**
 * Checks a join token for `roomId`: TOKEN_REQUIRED without one, TOKEN_EXPIRED past its expiry,
 * TOKEN_WRONG_ROOM for another room, TOKEN_INVALID for anything not signed with this secret.
 */
export async function verifyJoinToken(
  key: Uint8Array,
  roomId: string,
  token: string | undefined,
): Promise<JoinTokenClaims> {
  if (token === undefined) {
    throw new AppError(ErrorCode.TokenRequired, 'This meeting needs a join token.');
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      issuer,
      audience: joinAudience,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new AppError(ErrorCode.TokenExpired, 'This join token has expired.');
    }
    throw new AppError(ErrorCode.TokenInvalid, 'This join token is not valid.');
  }
  const claims = joinTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new AppError(ErrorCode.TokenInvalid, 'This join token is not valid.');
  if (claims.data.room !== roomId) {
    throw new AppError(ErrorCode.TokenWrongRoom, 'This join token is for another room.');
  }
  return claims.data;
}
