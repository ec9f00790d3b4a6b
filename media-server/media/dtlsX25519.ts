import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

import nacl from 'tweetnacl';

const KEY_BYTES = 32;

/**
 * Our key pairs' private KeyObjects, by the memory of the raw key handed to werift (it keeps a
 * Buffer over that same memory and passes it back for the shared secret): no key is decoded
 * again. OpenSSL 3 decodes a raw key slowly (5 ms for a PKCS #8 one on a loaded 2-core machine).
 */
const ours = new WeakMap<ArrayBufferLike, KeyObject>();

let installed = false;

/**
 * The ECDHE of every DTLS handshake in OpenSSL instead of JavaScript (issue 18). Browsers choose
 * X25519 from our ClientHello, and werift 0.24.4 computes it with tweetnacl: a key pair and a
 * shared secret per handshake, each a Curve25519 scalar multiplication in JS (about 5 ms each on
 * a loaded 2-core machine, against about 0.6 ms in Node) on the media server's one thread.
 * werift uses tweetnacl for nothing else and reaches these two functions through the module
 * object at each handshake, so they are replaced there, with the same inputs and outputs:
 * RFC 7748's X25519 (both clamp the scalar and mask the point's top bit). One difference, on
 * purpose: a peer whose public key gives the all-zero secret (a small-order point) fails the
 * handshake in OpenSSL, as RFC 7748 §6.1 allows, where tweetnacl would carry on with a known key.
 */
export function nativeX25519(): void {
  if (installed) return;
  installed = true;
  const jsScalarMult = nacl.scalarMult;
  // The functions' other members (`base`, `fromSecretKey`, lengths) stay tweetnacl's own.
  nacl.scalarMult = Object.assign((scalar: Uint8Array, point: Uint8Array): Uint8Array => {
    const privateKey = scalar.byteLength === KEY_BYTES ? ours.get(scalar.buffer) : undefined;
    // A scalar that is not one of our key pairs' (nobody else's in the media server): as before.
    return privateKey ? sharedSecret(privateKey, point) : jsScalarMult(scalar, point);
  }, jsScalarMult);
  nacl.box.keyPair = Object.assign(nativeKeyPair, nacl.box.keyPair);
}

/**
 * The keys leave as DER, never as JWK: Node 20's JWK export holds the key's mutex while it makes
 * V8 strings, and a scavenge there that collects this key pair's finished generation job runs
 * that job's destructor, which takes the same mutex: the JS thread deadlocks for good (issue 15,
 * session 12: the N = 16 set-up "stall", caught by gdb; alone, `generateKeyPairSync('x25519')`
 * plus a JWK export stops within a few thousand key pairs, the DER export ran 100,000). DER costs
 * ~0.25 ms more per key pair (one per DTLS handshake).
 */
function nativeKeyPair(): nacl.BoxKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const secretKey = rawTail(privateKey.export({ format: 'der', type: 'pkcs8' }), PKCS8_PREFIX);
  ours.set(secretKey.buffer, privateKey);
  const pub = rawTail(publicKey.export({ format: 'der', type: 'spki' }), SPKI_PREFIX);
  return { secretKey, publicKey: pub };
}

/** DER prefix of a raw X25519 private key (RFC 8410's PKCS #8). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** DER prefix of a raw X25519 public key (RFC 8410's SubjectPublicKeyInfo). */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** X25519 of raw keys (RFC 7748) in OpenSSL, for a scalar not made here (slow to decode). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  if (scalar.length !== KEY_BYTES) throw new Error('X25519 keys are 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
  return sharedSecret(privateKey, point);
}

function sharedSecret(privateKey: KeyObject, point: Uint8Array): Uint8Array {
  if (point.length !== KEY_BYTES) throw new Error('X25519 keys are 32 bytes');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point).toString('base64url') },
    format: 'jwk',
  });
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}

/**
 * The raw key after its DER prefix, as bytes with a buffer of their own: werift reads keys as
 * `Buffer.from(key.buffer)`, which would take all of a pooled Buffer's memory, not just 32 bytes.
 */
function rawTail(der: Buffer, prefix: Buffer): Uint8Array {
  if (der.length !== prefix.length + KEY_BYTES || !der.subarray(0, prefix.length).equals(prefix)) {
    throw new Error('unexpected X25519 key encoding');
  }
  return new Uint8Array(der.subarray(prefix.length));
}
