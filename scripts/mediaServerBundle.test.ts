import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * media-server/media/lazyWeriftDeps.test.ts's check in the production bundle, where werift is bundled and `Module._load` sees none of its
 * requests: scripts/mediaServerBundle.mjs hands each deferred request to `deferredRequire`. Built
 * with the media server's own build options around a small entry, into dist/ (the bundle's
 * run-time requires resolve from there, as dist/media-server.js's do).
 */
const BUNDLE_ENTRY = `
import { loadedLazily } from './media-server/media/lazyWeriftDeps';
import { LeanEvent } from './media-server/media/peerEvent';
import { createECDH } from 'node:crypto';
import * as werift from 'werift';
import { generateKeyPair } from './node_modules/werift/lib/dtls/src/cipher/namedCurve.js';
import { prfPreMasterSecret } from './node_modules/werift/lib/dtls/src/cipher/prf.js';
const resident = (name) => Object.keys(require.cache).some((f) => f.includes(name));
(async () => {
  const out = {
    werift: resident('/werift/lib/webrtc/'),
    atLoad: { x509: resident('@peculiar/x509'), p256: resident('@noble/curves'), mdns: resident('multicast-dns') },
    leanEvent: werift.Event === LeanEvent,
  };
  const ours = generateKeyPair(werift.NamedCurveAlgorithm.secp256r1_23);
  const peer = createECDH('prime256v1');
  peer.generateKeys();
  out.p256Agrees = prfPreMasterSecret(peer.getPublicKey(), ours.privateKey, ours.curve)
    .equals(peer.computeSecret(ours.publicKey));
  const { certPem } = await werift.CipherContext.createSelfSignedCertificateWithKey(
    { signature: werift.SignatureAlgorithm.ecdsa_3, hash: werift.HashAlgorithm.sha256_4 },
    werift.NamedCurveAlgorithm.secp256r1_23,
  );
  out.certificate = certPem.split('\\n')[0];
  out.loaded = [...loadedLazily].sort();
  process.stdout.write(JSON.stringify(out));
})();
`;

describe('dist/media-server.js: werift bundled, its deferred dependencies loaded at first use', () => {
  it('keeps them out of memory until used, and each works when used', async () => {
    const root = path.join(import.meta.dirname, '..');
    const { build } = await import('esbuild');
    const { buildOptions, ENTRY_POINTS } = await import('./build-server.mjs');
    const media = ENTRY_POINTS.find((e) => e.out === 'media-server');
    if (!media) throw new Error('no media-server entry in scripts/build-server.mjs');
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    const dir = mkdtempSync(path.join(root, 'dist', '.lazy-test-'));
    try {
      const {
        entryPoints: _,
        outdir: __,
        ...options
      } = buildOptions(root, media, { mediaPackages: true });
      await build({
        ...options,
        stdin: {
          contents: BUNDLE_ENTRY,
          resolveDir: root,
          sourcefile: 'lazy-entry.ts',
          loader: 'ts',
        },
        outfile: path.join(dir, 'lazy.js'),
        logLevel: 'silent',
      });
      const out = execFileSync(process.execPath, [path.join(dir, 'lazy.js')], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({
        werift: false, // bundled, not required from node_modules
        atLoad: { x509: false, p256: false, mdns: false },
        leanEvent: true,
        p256Agrees: true,
        certificate: '-----BEGIN CERTIFICATE-----',
        loaded: ['@noble/curves/p256', '@peculiar/x509'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
