import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A self-signed ECDSA P-256 / SHA-256 X.509 v3 certificate made with Node's crypto (issue 15,
 * memory). werift makes the same kind with @peculiar/x509, whose module graph (asn1js, eleven
 * @peculiar/asn1-* schemas, tsyringe, reflect-metadata) holds ~5 MB of the media server's RSS
 * for the whole life of the process, only to write one certificate at start. WebRTC peers check
 * the certificate against the SDP fingerprint and the handshake signatures against its key,
 * nothing else (RFC 8827 §6.5), so the certificate carries only what X.509 requires: no
 * extensions.
 */

const ECDSA_WITH_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex'); // 1.2.840.10045.4.3.2
const COMMON_NAME = Buffer.from('0603550403', 'hex'); // 2.5.4.3
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SelfSigned {
  certPem: string;
  keyPem: string;
}

/**
 * `notBefore` is a day back, as Chromium's own WebRTC certificates have it, so a peer whose clock
 * is behind ours does not see a certificate from the future; valid ten years, as werift's.
 */
export function selfSignedCertificate(commonName = 'moim', now = new Date()): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(8);
  // A positive INTEGER in its shortest form: top bit clear, next bit set.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const name = seq(set(seq(COMMON_NAME, tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const algorithm = seq(ECDSA_WITH_SHA256);
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // [0] EXPLICIT version: v3
    tlv(0x02, serial),
    algorithm,
    name,
    seq(time(new Date(now.getTime() - DAY_MS)), time(new Date(now.getTime() + 3650 * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  // Node's ECDSA signature is DER (r, s) already, what X.509's signatureValue holds.
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    certPem: pem('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, ...parts);
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, ...parts);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
