import { createHmac } from 'node:crypto';

/**
 * Ephemeral TURN credentials, the "TURN REST API" scheme coturn implements with `use-auth-secret` and
 * `static-auth-secret` (draft-uberti-behave-turn-rest-00): the user name is `<expiry>:<id>` (expiry in
 * Unix seconds) and the password is base64(HMAC-SHA1(secret, user name)). coturn recomputes the
 * password from the shared secret and refuses the user name once its expiry has passed, so the secret
 * stays on our servers and a leaked pair dies by itself.
 */
export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds after which coturn refuses the pair. */
  expiresAt: number;
}

export interface MintOptions {
  secret: string;
  ttlSeconds: number;
  /**
   * Who the pair is for (a participant id): it shows in coturn's logs. Must not contain `:`.
   * Without one the user name is the bare expiry, which the scheme also allows.
   */
  id?: string;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
}

export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function mintTurnCredential(options: MintOptions): TurnCredential {
  if (options.id?.includes(':')) {
    // coturn reads the expiry up to the first `:`; a second one would still work, but an id that
    // looks like a timestamp prefix must never be confused with one.
    throw new Error('a TURN credential id must not contain ":"');
  }
  const expiresAt = Math.floor((options.now ?? Date.now()) / 1000) + options.ttlSeconds;
  const username = options.id ? `${expiresAt}:${options.id}` : String(expiresAt);
  return { username, credential: turnPassword(options.secret, username), expiresAt };
}
