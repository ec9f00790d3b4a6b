import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: ~30 ms per check on a 2-core machine, off the event loop (libuv's pool). */
const keyLength = 32;
const cost = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, cost, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** A room's password is kept only as a salted scrypt hash (node:crypto), never as text. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  return { salt, hash: await derive(password, salt) };
}

/** Compares in constant time, so the time taken says nothing about how close a guess was. */
export async function verifyPassword(stored: PasswordHash, attempt: string): Promise<boolean> {
  const key = await derive(attempt, stored.salt);
  return timingSafeEqual(key, stored.hash);
}
