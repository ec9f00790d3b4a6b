import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';

import { describe, expect, it } from 'vitest';
import { HashAlgorithm, RTCCertificate, SignatureAlgorithm } from 'werift';

import { selfSignedCertificate } from './selfSignedCertificate';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the self-signed DTLS certificate made with Node crypto', () => {
  it('is an X.509 v3 ECDSA P-256 certificate signed by the key it comes with', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const { certPem, keyPem } = selfSignedCertificate('moim', now);
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.publicKey.equals(createPublicKey(key))).toBe(true);
    expect(cert.verify(createPublicKey(key))).toBe(true);
    expect(cert.subject).toBe('CN=moim');
    expect(cert.issuer).toBe('CN=moim');
    expect(cert.toLegacyObject().serialNumber).toMatch(/^[4-7][0-9A-F]{15}$/);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - DAY_MS);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 3650 * DAY_MS);
    // werift reads it as well (its fingerprint is what the SDP carries).
    const rtc = new RTCCertificate(keyPem, certPem, {
      signature: SignatureAlgorithm.ecdsa_3,
      hash: HashAlgorithm.sha256_4,
    });
    expect(rtc.getFingerprints()[0]?.value).toBe(cert.fingerprint256);
  });

  it('writes dates from 2050 on as GeneralizedTime (RFC 5280), which UTCTime cannot hold', () => {
    const { certPem } = selfSignedCertificate('moim', new Date('2045-06-01T00:00:00Z'));
    expect(new Date(new X509Certificate(certPem).validTo).getUTCFullYear()).toBe(2055);
  });

  it('is a new key and serial number each time', () => {
    const a = new X509Certificate(selfSignedCertificate().certPem);
    const b = new X509Certificate(selfSignedCertificate().certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });
});
