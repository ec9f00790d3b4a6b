import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

import nacl from 'tweetnacl';

/** DER prefixes of a raw X25519 key (RFC 8410): PKCS #8 private, SubjectPublicKeyInfo public. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const KEY_BYTES = 32;

let installed = false;

/**
 * The ECDHE of every DTLS handshake in OpenSSL instead of JavaScript (issue 18). Browsers choose
 * X25519 from our ClientHello, and werift 0.24.4 computes it with tweetnacl: a key pair and a
 * shared secret per handshake, each a Curve25519 scalar multiplication in JS on the media
 * server's one thread (Node's X25519 is native and about two orders of magnitude faster). werift
 * uses tweetnacl for nothing else, and reaches these two functions through the module object at
 * each handshake, so they are replaced there, with the same inputs and outputs: RFC 7748's
 * X25519 (both clamp the scalar and mask the point's top bit). One difference, on purpose: a peer
 * whose public key gives the all-zero secret (a small-order point) fails the handshake in OpenSSL,
 * as RFC 7748 §6.1 allows, where tweetnacl would carry on with a known key.
 */
export function nativeX25519(): void {
  if (installed) return;
  installed = true;
  // The functions' other members (`base`, `fromSecretKey`, lengths) stay tweetnacl's own.
  nacl.scalarMult = Object.assign(
    (scalar: Uint8Array, point: Uint8Array) => x25519(scalar, point),
    nacl.scalarMult,
  );
  nacl.box.keyPair = Object.assign(nativeKeyPair, nacl.box.keyPair);
}

function nativeKeyPair(): nacl.BoxKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { secretKey: rawPrivate(privateKey), publicKey: rawPublic(publicKey) };
}

export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  if (scalar.length !== KEY_BYTES || point.length !== KEY_BYTES) {
    throw new Error('X25519 keys are 32 bytes');
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, point]),
    format: 'der',
    type: 'spki',
  });
  return owned(diffieHellman({ privateKey, publicKey }));
}

function rawPrivate(key: KeyObject): Uint8Array {
  return owned(key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length));
}

function rawPublic(key: KeyObject): Uint8Array {
  return owned(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

/**
 * A copy with a buffer of its own: werift reads the key as `Buffer.from(key.buffer)`, which
 * would take all of a pooled Buffer's memory, not just these 32 bytes.
 */
function owned(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
