import crypto from 'node:crypto';

/**
 * werift gives every candidate, pair, track, transceiver, sender, receiver and ICE transport an
 * id from `crypto.randomUUID()` and keeps it for the connection's life (~1,300 in a room of 8).
 * Node builds that string from ~20 concatenations and V8 keeps the result as a rope of cons
 * strings, ~840 bytes each where a flat 36-character string takes ~56 (heap snapshot, room of 8:
 * 1.1 MB; bench/RESULTS.md, issue 15, session 11, mem). werift reads `randomUUID` off Node's crypto
 * module at each call, so the module's function is replaced by one that returns the same id flat
 * (a Latin-1 round trip through a Buffer copies it into one sequential string). Same value, same
 * format; a few microseconds per id, and ids are made only while connections are set up.
 */

type RandomUuid = typeof crypto.randomUUID;

let installed = false;

/** Copies a (possibly cons) one-byte string into a flat one. */
export function flatString<T extends string>(s: T): T {
  return Buffer.from(s, 'latin1').toString('latin1') as T;
}

export function installFlatIds(): void {
  if (installed) return;
  installed = true;
  const original: RandomUuid = crypto.randomUUID;
  const flat: RandomUuid = (options) => flatString(original(options));
  crypto.randomUUID = flat;
}

installFlatIds();
