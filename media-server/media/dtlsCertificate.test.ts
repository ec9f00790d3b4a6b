import { createPrivateKey } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { dtlsCertificate, dtlsCertificates } from './dtlsCertificate';

describe('the media server DTLS certificate (issue 18)', () => {
  it('is one ECDSA P-256 certificate for the whole process, ready before the first peer', async () => {
    const cert = await dtlsCertificate();
    expect(dtlsCertificates()).toEqual([cert]);
    expect(await dtlsCertificate()).toBe(cert);
    const key = createPrivateKey(cert.privateKey);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const [fingerprint] = cert.getFingerprints();
    expect(fingerprint?.algorithm).toBe('sha-256');
    expect(fingerprint?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // Computed once: the same objects every time.
    expect(cert.getFingerprints()[0]).toBe(fingerprint);
  });
});
