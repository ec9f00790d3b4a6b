/*
 * Playback and download URLs of recorded files. A `<video src>` cannot send the host's
 * credential, so the list (which needs it) hands out URLs signed for one file and a limited time:
 * whoever holds one may fetch that file until it expires, nothing else.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Long enough to watch a long meeting's file; short enough that a leaked link goes stale. */
const ttlSeconds = 6 * 60 * 60;

export class FileSigner {
  /** Per process: links end with a restart, and no secret needs configuring. */
  readonly #key = randomBytes(32);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** `?exp=…&sig=…` for the file at `path` (the URL path, already encoded). */
  sign(path: string): string {
    const exp = Math.floor(this.#now() / 1000) + ttlSeconds;
    return `exp=${exp}&sig=${this.#mac(path, exp)}`;
  }

  /** True when `exp`/`sig` were made by `sign(path)` and have not expired. */
  verify(path: string, exp: string | null, sig: string | null): boolean {
    if (exp === null || sig === null || !/^\d{1,12}$/.test(exp)) return false;
    const expires = Number(exp);
    if (expires * 1000 < this.#now()) return false;
    const expected = Buffer.from(this.#mac(path, expires));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #mac(path: string, exp: number): string {
    return createHmac('sha256', this.#key).update(`${path}\n${exp}`).digest('base64url');
  }
}
