import { X509Certificate, verify } from 'node:crypto';

import { DtlsClient } from 'werift';

/** TLS 1.2 handshake types (RFC 5246 §7.4). */
const SERVER_KEY_EXCHANGE = 12;
/** TLS HashAlgorithm codes (RFC 5246 §7.4.1.4.1) to Node's digest names. */
const HASHES: Record<number, string> = { 2: 'sha1', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
/** ECCurveType named_curve (RFC 8422 §5.4): the only kind werift offers. */
const NAMED_CURVE = 3;

let installed = false;

/**
 * When the media server is the DTLS client (it answers with `a=setup:active`), the server's
 * ServerKeyExchange must be signed by the key of the certificate whose fingerprint the SDP
 * carries: that signature is what binds the ECDHE key to the fingerprint. werift 0.24.4 checks
 * the fingerprint but never the signature, so anyone on the path could present the browser's
 * (public) certificate with an ECDHE key of their own and read and forge the media. Checked here
 * before our flight 5 leaves (RFC 5246 §7.4.3, RFC 8422 §5.4): a bad signature fails the
 * handshake, and the connection with it.
 */
export function verifyServerKeyExchange(): void {
  if (installed) return;
  installed = true;
  const connect = DtlsClient.prototype.connect;
  DtlsClient.prototype.connect = function connectVerifying(this: DtlsClient): Promise<void> {
    guardFlight5(this);
    return connect.call(this);
  };
}

interface Flight5Like {
  exec(): Promise<void>;
}

/** werift creates flight 5 on the ServerHello; its `exec` sends our keys. Verify first. */
function guardFlight5(client: DtlsClient): void {
  let flight5: Flight5Like | undefined;
  Object.defineProperty(client, 'flight5', {
    configurable: true,
    enumerable: true,
    get: () => flight5,
    set: (next: Flight5Like | undefined) => {
      flight5 = next;
      if (!next) return;
      const exec = next.exec.bind(next);
      next.exec = async () => {
        // werift re-runs exec to retransmit flight 5 (flight already 5): checked the first time.
        if (client.dtls.flight !== 5) checkSignature(client);
        return exec();
      };
    },
  });
}

function checkSignature(client: DtlsClient): void {
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
