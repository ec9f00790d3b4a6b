import { decodeJwt } from 'jose';

/** Longer than any token the server accepts (lib/protocol/access.ts): not a token. */
const tokenMaxLength = 2048;

/**
 * The join token of a room link made by an embedding product (`/room/<id>?token=<jwt>`, as Jitsi's
 * `?jwt=`): one string of sane length, else none. The server verifies it; the browser only carries it.
 */
export function joinTokenFrom(value: string | string[] | undefined): string | undefined {
  const token = Array.isArray(value) ? value[0] : value;
  if (!token || token.length > tokenMaxLength) return undefined;
  return token;
}

/**
 * The display name the token carries, to prefill the prejoin (the server joins me under the
 * token's name whatever I type). Unverified here: a forged token is refused at the join.
 */
export function joinTokenName(token: string | undefined): string | null {
  if (!token) return null;
  try {
    const name = decodeJwt(token)['name'];
    return typeof name === 'string' && name.trim() ? name : null;
  } catch {
    return null;
  }
}
