import { X509Certificate, verify } from 'node:crypto';

import { DtlsClient, DtlsServer, RTCDtlsTransport } from 'werift';

/** TLS 1.2 handshake types (RFC 5246 §7.4). */
const SERVER_KEY_EXCHANGE = 12;
const CERTIFICATE_VERIFY = 15;
/** TLS HashAlgorithm codes (RFC 5246 §7.4.1.4.1) to Node's digest names. */
const HASHES: Record<number, string> = { 2: 'sha1', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
/** ECCurveType named_curve (RFC 8422 §5.4): the only kind werift offers. */
const NAMED_CURVE = 3;

let installed = false;

/**
 * A DTLS peer proves that it holds the key of the certificate whose fingerprint the SDP carries
 * by a signature: the server over its ECDHE key (ServerKeyExchange), the client over the
 * handshake (CertificateVerify). werift 0.24.4 checks the fingerprint but neither signature, so
 * anyone on the path could show the browser's (public) certificate with keys of their own and
 * read and forge the media. Both are checked here before our next flight leaves (RFC 5246
 * §7.4.3, §7.4.8; RFC 8422 §5.4): a bad signature fails the handshake, and the connection with it.
 */
export function verifyDtlsSignatures(): void {
  if (installed) return;
  installed = true;
  // As the client (we answer with `a=setup:active`): every DtlsClient connects once.
  const connect = DtlsClient.prototype.connect;
  DtlsClient.prototype.connect = function connectVerifying(this: DtlsClient): Promise<void> {
    guardFlight5(this);
    return connect.call(this);
  };
  // As the server: RTCDtlsTransport.start creates the DtlsServer synchronously.
  const start = RTCDtlsTransport.prototype.start;
  RTCDtlsTransport.prototype.start = function startVerifying(
    this: RTCDtlsTransport,
    ...args: Parameters<typeof start>
  ): ReturnType<typeof start> {
    const started = start.apply(this, args);
    if (this.dtls instanceof DtlsServer) guardClientCertificate(this.dtls);
    return started;
  };
}

/** A DtlsServer made outside RTCDtlsTransport (tests) gets the same check. */
export function guardClientCertificate(server: DtlsServer): void {
  let flight6: FlightLike | undefined;
  Object.defineProperty(server, 'flight6', {
    configurable: true,
    enumerable: true,
    get: () => flight6,
    set: (next: FlightLike | undefined) => {
      flight6 = next;
      if (!next) return;
      const exec = next.exec.bind(next);
      next.exec = async () => {
        // werift re-runs exec to retransmit flight 6 (flight already 6): checked the first time.
        if (server.dtls.flight !== 6) checkCertificateVerify(server);
        return exec();
      };
    },
  });
}

interface FlightLike {
  exec(): Promise<void>;
}

/** werift creates flight 5 on the ServerHello; its `exec` sends our keys. Verify first. */
function guardFlight5(client: DtlsClient): void {
  let flight5: FlightLike | undefined;
  Object.defineProperty(client, 'flight5', {
    configurable: true,
    enumerable: true,
    get: () => flight5,
    set: (next: FlightLike | undefined) => {
      flight5 = next;
      if (!next) return;
      const exec = next.exec.bind(next);
      next.exec = async () => {
        // werift re-runs exec to retransmit flight 5 (flight already 5): checked the first time.
        if (client.dtls.flight !== 5) checkServerKeyExchange(client);
        return exec();
      };
    },
  });
}

function checkServerKeyExchange(client: DtlsClient): void {
  const { cipher, dtls } = client;
  const certificate = cipher.remoteCertificate;
  const keyExchange = dtls.sortedHandshakeCache.find(
    (h) => h.msg_type === SERVER_KEY_EXCHANGE,
  )?.fragment;
  if (!certificate || !keyExchange) throw new Error('DTLS: no server certificate or key exchange');
  const signed = serverKeyExchangeParts(keyExchange);
  const hash = HASHES[signed.hash];
  if (!hash) throw new Error(`DTLS: unsupported ServerKeyExchange hash ${signed.hash}`);
  const data = Buffer.concat([
    cipher.localRandom.serialize(),
    cipher.remoteRandom.serialize(),
    signed.params,
  ]);
  const publicKey = new X509Certificate(certificate).publicKey;
  if (!verify(hash, data, publicKey, signed.signature)) {
    throw new Error('DTLS: the ServerKeyExchange is not signed by the certificate’s key');
  }
}

/** The client's CertificateVerify signs every handshake message before it, as sent. */
function checkCertificateVerify(server: DtlsServer): void {
  const { cipher, dtls } = server;
  const certificate = cipher.remoteCertificate;
  const transcript = dtls.sortedHandshakeCache;
  const at = transcript.findIndex((h) => h.msg_type === CERTIFICATE_VERIFY);
  const verifyMessage = transcript[at]?.fragment;
  if (!certificate || !verifyMessage) throw new Error('DTLS: no client certificate or verify');
  const signed = certificateVerifyParts(verifyMessage);
  const hash = HASHES[signed.hash];
  if (!hash) throw new Error(`DTLS: unsupported CertificateVerify hash ${signed.hash}`);
  const data = Buffer.concat(transcript.slice(0, at).map((h) => h.serialize()));
  const publicKey = new X509Certificate(certificate).publicKey;
  if (!verify(hash, data, publicKey, signed.signature)) {
    throw new Error('DTLS: the CertificateVerify is not signed by the certificate’s key');
  }
}

/** The digest algorithm and the signature of a CertificateVerify body (RFC 5246 §7.4.8). */
export function certificateVerifyParts(body: Buffer): { hash: number; signature: Buffer } {
  if (body.length < 4) throw new Error('DTLS: CertificateVerify cut short');
  const length = body.readUInt16BE(2);
  if (body.length < 4 + length) throw new Error('DTLS: CertificateVerify signature cut short');
  return { hash: body[0] ?? 0, signature: body.subarray(4, 4 + length) };
}

/** ServerECDHParams, the digest algorithm and the signature of a ServerKeyExchange body. */
export function serverKeyExchangeParts(body: Buffer): {
  params: Buffer;
  hash: number;
  signature: Buffer;
} {
  if (body.length < 4 || body[0] !== NAMED_CURVE) {
    throw new Error('DTLS: ServerKeyExchange without a named curve');
  }
  const paramsLength = 4 + (body[3] ?? 0);
  const signatureAt = paramsLength + 4;
  if (body.length < signatureAt) throw new Error('DTLS: ServerKeyExchange cut short');
  const signatureLength = body.readUInt16BE(paramsLength + 2);
  if (body.length < signatureAt + signatureLength) {
    throw new Error('DTLS: ServerKeyExchange signature cut short');
  }
  return {
    params: body.subarray(0, paramsLength),
    hash: body[paramsLength] ?? 0,
    signature: body.subarray(signatureAt, signatureAt + signatureLength),
  };
}
