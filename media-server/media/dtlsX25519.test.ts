import { spawnSync } from 'node:child_process';
import path from 'node:path';

import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';

import { nativeX25519, x25519 } from './dtlsX25519';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// RFC 7748 §6.1: Alice's and Bob's keys and their shared secret.
const alice = {
  secret: hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
  public: hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
};
const bob = {
  secret: hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
  public: hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'),
};
const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

describe("DTLS's X25519 in Node", () => {
  // tweetnacl's own, taken before the media server's replaces them.
  const jsScalarMult = nacl.scalarMult;
  const jsBase = nacl.scalarMult.base;

  it("gives RFC 7748's shared secret, as tweetnacl does", () => {
    expect(toHex(x25519(alice.secret, bob.public))).toBe(shared);
    expect(toHex(x25519(bob.secret, alice.public))).toBe(shared);
    expect(toHex(jsScalarMult(alice.secret, bob.public))).toBe(shared);
  });

  it('replaces what werift calls, with key pairs tweetnacl agrees with, each on a buffer of its own', () => {
    nativeX25519();
    expect(nacl.scalarMult).not.toBe(jsScalarMult);
    const ours = nacl.box.keyPair();
    // werift reads keys as Buffer.from(key.buffer): that must be exactly the key.
    expect(Buffer.from(ours.secretKey.buffer)).toHaveLength(32);
    expect(Buffer.from(ours.publicKey.buffer)).toHaveLength(32);
    expect(toHex(jsBase(ours.secretKey))).toBe(toHex(ours.publicKey));
    const theirs = nacl.box.keyPair();
    // As werift passes it back: a Buffer over the key's own memory (the KeyObject made with it).
    const secret = Buffer.from(ours.secretKey.buffer);
    expect(toHex(nacl.scalarMult(secret, theirs.publicKey))).toBe(
      toHex(jsScalarMult(theirs.secretKey, ours.publicKey)),
    );
    // A scalar not made here still gives RFC 7748's answer.
    expect(toHex(nacl.scalarMult(alice.secret, bob.public))).toBe(shared);
  });

  it('refuses a peer key that would give the all-zero secret', () => {
    expect(() => x25519(alice.secret, new Uint8Array(32))).toThrow();
  });
});

describe('our key pairs under garbage collection', () => {
  // Session 12: a JWK export of a key that generateKeyPairSync just made deadlocks the JS thread
  // when a scavenge lands inside it (dtlsX25519.ts, nativeKeyPair). A child makes 20,000 key pairs
  // with a 1 MB young generation (a scavenge every few hundred); with the JWK export it stopped
  // for good in most such runs (within 2,000–6,000 key pairs), and the parent's kill says so.
  it('are made 20,000 times in a row without the process stopping', () => {
    const code = [
      "const { nativeX25519 } = require('./media-server/media/dtlsX25519.ts');",
      "const nacl = require('tweetnacl');",
      'nativeX25519();',
      'for (let i = 0; i < 20000; i++) nacl.box.keyPair();',
      "process.stdout.write('done');",
    ].join('\n');
    const child = spawnSync(
      process.execPath,
      ['--max-semi-space-size=1', '--import', 'tsx', '-e', code],
      { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 90_000 },
    );
    expect(child.signal, 'killed: the key pairs stopped (deadlock)').toBeNull();
    expect(child.stdout).toBe('done');
  }, 120_000);
});
