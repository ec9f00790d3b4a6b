import { randomBytes, randomUUID } from 'node:crypto';

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

/** What an access credential says: who this browser is in the room, and whether it is host. */
export interface AccessClaims {
  identity: string;
  host: boolean;
}

/**
 * Access credentials: a JWT naming the room, this browser's identity in it (so a removed person
 * stays out) and whether it is host, signed with the server's secret. The browser keeps it and
 * presents it when it joins again (a reload, a reconnect). With a generated secret they stop
 * working when the server restarts.
 */
export class HostCredentials {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  issue(roomId: string, claims: AccessClaims): Promise<string> {
    return new SignJWT({ room: roomId, host: claims.host })
      .setProtectedHeader({ alg: algorithm })
      .setIssuer(issuer)
      .setAudience(hostAudience)
      .setSubject(claims.identity)
      .setIssuedAt()
      .setExpirationTime(hostCredentialTtl)
      .sign(this.#key);
  }

  /** The claims of a valid credential for `roomId`; undefined for anything else. */
  async verify(roomId: string, credential: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(credential, this.#key, {
        algorithms: [algorithm],
        issuer,
        audience: hostAudience,
      });
      if (payload['room'] !== roomId) return undefined;
      // Credentials from before identities (session 3) were host credentials with no subject.
      const identity = typeof payload.sub === 'string' ? payload.sub : randomUUID();
      const host = payload['host'] === undefined ? true : payload['host'] === true;
      return { identity, host };
    } catch {
      return undefined;
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
