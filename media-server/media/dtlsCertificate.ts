import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';

import {
  CipherContext,
  RTCCertificate,
  RTCDtlsTransport,
  SignatureAlgorithm,
  HashAlgorithm,
} from 'werift';

import { selfSignedCertificate } from './selfSignedCertificate';

/**
 * The media server's DTLS identity and the cost of using it (issue 18). Measured on a loaded
 * 2-core machine: generating werift's ECDSA P-256 certificate took ~560 ms (paid by the first
 * join after start), computing its fingerprint ~5 ms (per endpoint, for the SDP), and every
 * handshake re-parsed the certificate and key PEMs in JavaScript and signed with a PEM that Node
 * parses again (~7 ms), all on the media server's one thread. Here:
 *
 * - one certificate and key per process, ECDSA P-256 with SHA-256 (werift's own choice, the
 *   cheapest signature WebRTC peers accept), made when this module loads, not at the first
 *   join, with Node's crypto (a few ms; werift's generator keeps @peculiar/x509 resident, see
 *   selfSignedCertificate.ts); every RTCPeerConnection gets the same one, and werift's own
 *   `SetupCertificate` returns it too;
 * - its fingerprint computed once;
 * - a handshake's cipher context reuses the parsed certificate and key, and signs with a Node
 *   `KeyObject` made once.
 *
 * DTLS session resumption does not help: werift 0.24 neither offers nor accepts it, and browsers
 * do not resume DTLS-SRTP sessions. The handshakes stay full, only cheaper.
 */

type ParsedPrivateKey = CipherContext['localPrivateKey'];

let installed = false;

/** Parsed once per (certificate, key) PEM pair; in practice exactly one pair per process. */
const parsed = new Map<string, { cert: Buffer; key: ParsedPrivateKey }>();

const { certPem, keyPem } = selfSignedCertificate();
const certificate = withCachedFingerprints(
  new RTCCertificate(keyPem, certPem, {
    signature: SignatureAlgorithm.ecdsa_3,
    hash: HashAlgorithm.sha256_4,
  }),
);
RTCDtlsTransport.localCertificate = certificate;

/** The process's certificate for an RTCPeerConnection's `certificates`. */
export function dtlsCertificates(): RTCCertificate[] {
  installCheapHandshakes();
  return [certificate];
}

/** Resolves the process's certificate (tests). */
export function dtlsCertificate(): Promise<RTCCertificate> {
  installCheapHandshakes();
  return Promise.resolve(certificate);
}

function withCachedFingerprints(cert: RTCCertificate): RTCCertificate {
  const fingerprints = cert.getFingerprints();
  cert.getFingerprints = () => fingerprints;
  return cert;
}

function installCheapHandshakes(): void {
  if (installed) return;
  installed = true;
  const parseX509 = CipherContext.prototype.parseX509;
  CipherContext.prototype.parseX509 = function parseX509Once(
    this: CipherContext,
    certPem: string,
    keyPem: string,
    signatureHash: Parameters<typeof parseX509>[2],
  ): void {
    const id = `${certPem}\n${keyPem}`;
    let memo = parsed.get(id);
    if (!memo) {
      parseX509.call(this, certPem, keyPem, signatureHash);
      memo = { cert: this.localCert, key: withKeyObject(this.localPrivateKey, keyPem) };
      parsed.set(id, memo);
    }
    this.localCert = memo.cert;
    this.localPrivateKey = memo.key;
    this.signatureHashAlgorithm = signatureHash;
  };
  // werift's client signs CertificateVerify with the key's PEM string (parsed by Node each time);
  // the key's own `sign` (patched below) gives the same DER signature from the cached KeyObject.
  CipherContext.prototype.signatureData = function signatureDataWithKeyObject(
    this: CipherContext,
    data: Buffer,
    hash: string,
  ) {
    return Buffer.from(this.localPrivateKey.sign(data, hash));
  };
}

/** The parsed key signs with a KeyObject made once (ServerKeyExchange and CertificateVerify). */
function withKeyObject(key: ParsedPrivateKey, keyPem: string): ParsedPrivateKey {
  const keyObject: KeyObject = createPrivateKey(keyPem);
  key.sign = (data: Buffer, hashAlgorithm: string) =>
    createSign(hashAlgorithm).update(data).sign(keyObject);
  return key;
}
