import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * Runs in a child: the deferral acts on CommonJS loads (the production bundle), and vitest loads
 * werift as an ES module.
 */
const CHILD = `
const path = require('node:path');
const { createECDH } = require('node:crypto');
const { loadedLazily } = require(${JSON.stringify(path.join(import.meta.dirname, 'lazyWeriftDeps.ts'))});
const werift = require('werift');
const lib = path.join(path.dirname(require.resolve('werift')), '../..');
const { generateKeyPair } = require(path.join(lib, 'dtls/src/cipher/namedCurve.js'));
const { prfPreMasterSecret } = require(path.join(lib, 'dtls/src/cipher/prf.js'));
const resident = (name) => Object.keys(require.cache).some((f) => f.includes(name));
(async () => {
  const out = {
    atLoad: {
      x509: resident('@peculiar/x509'),
      p256: resident('@noble/curves'),
      mdns: resident('multicast-dns'),
    },
  };
  // werift's mDNS resolver as lookup.js takes it (tslib's __importDefault, then \`.default()\`).
  const Module = require('node:module');
  const fromWerift = new Module(path.join(lib, 'ice/src/dns/lookup.js'));
  fromWerift.filename = fromWerift.id;
  fromWerift.paths = Module._nodeModulePaths(path.dirname(fromWerift.id));
  const mdns = require('tslib').__importDefault(Module._load('multicast-dns', fromWerift, false));
  out.mdnsIsFactory = mdns.default === require('multicast-dns');
  // P-256 ECDHE as a DTLS handshake does it, against OpenSSL's.
  const ours = generateKeyPair(werift.NamedCurveAlgorithm.secp256r1_23);
  const peer = createECDH('prime256v1');
  peer.generateKeys();
  out.p256Agrees = prfPreMasterSecret(peer.getPublicKey(), ours.privateKey, ours.curve)
    .equals(peer.computeSecret(ours.publicKey));
  // werift's own certificate generator, through the deferred @peculiar/x509.
  const { certPem } = await werift.CipherContext.createSelfSignedCertificateWithKey(
    { signature: werift.SignatureAlgorithm.ecdsa_3, hash: werift.HashAlgorithm.sha256_4 },
    werift.NamedCurveAlgorithm.secp256r1_23,
  );
  out.certificate = certPem.split('\\n')[0];
  out.loaded = [...loadedLazily].sort();
  process.stdout.write(JSON.stringify(out));
})();
`;

describe('werift dependencies loaded at first use (issue 15, memory)', () => {
  it('keeps @peculiar/x509, P-256 and mDNS out of memory until used, and each works when used', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', CHILD], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      atLoad: { x509: false, p256: false, mdns: false },
      mdnsIsFactory: true,
      p256Agrees: true,
      certificate: '-----BEGIN CERTIFICATE-----',
      loaded: ['@noble/curves/p256', '@peculiar/x509', 'multicast-dns'],
    });
  });
});
