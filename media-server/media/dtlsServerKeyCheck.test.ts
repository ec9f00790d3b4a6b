import { describe, expect, it } from 'vitest';
import { CipherContext, DtlsClient, DtlsServer } from 'werift';

import { serverKeyExchangeParts, verifyServerKeyExchange } from './dtlsServerKeyCheck';

type Transport = ConstructorParameters<typeof DtlsClient>[0]['transport'];

/** Two in-memory datagram ends: what one sends, the other's onData gets (asynchronously). */
function datagramPair(): [Transport, Transport] {
  const end = (): Transport & { peer?: Transport } => ({
    type: 'memory',
    address: { address: '127.0.0.1', port: 0, family: 'IPv4' } as Transport['address'],
    closed: false,
    onData: () => undefined,
    send: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
  const a = end();
  const b = end();
  a.send = (data) => {
    setImmediate(() => b.onData(data, ['127.0.0.1', 1]));
    return Promise.resolve();
  };
  b.send = (data) => {
    setImmediate(() => a.onData(data, ['127.0.0.1', 2]));
    return Promise.resolve();
  };
  return [a, b];
}

const ecdsa = { hash: 4, signature: 3 } as const;
const identity = () => CipherContext.createSelfSignedCertificateWithKey(ecdsa, 23);

/** Our DTLS client against a DTLS server presenting `cert` and signing with `key`. */
async function handshake(cert: string, key: string): Promise<'connected' | Error> {
  const ours = await identity();
  const [toServer, toClient] = datagramPair();
  const server = new DtlsServer({
    cert,
    key,
    signatureHash: ecdsa,
    transport: toServer,
    certificateRequest: true,
    extendedMasterSecret: true,
  });
  const client = new DtlsClient({
    cert: ours.certPem,
    key: ours.keyPem,
    signatureHash: ecdsa,
    transport: toClient,
    extendedMasterSecret: true,
  });
  try {
    return await new Promise<'connected' | Error>((resolve) => {
      client.onConnect.once(() => resolve('connected'));
      client.onError.once((error: Error) => resolve(error));
      setTimeout(() => resolve(new Error('no outcome in 10 s')), 10_000);
      void client.connect();
    });
  } finally {
    client.close();
    server.close();
  }
}

describe("the DTLS server's key exchange signature", () => {
  verifyServerKeyExchange();

  it('accepts a server that signs with its certificate’s key', async () => {
    const server = await identity();
    expect(await handshake(server.certPem, server.keyPem)).toBe('connected');
  });

  it('fails the handshake of a server that shows a certificate whose key it does not hold', async () => {
    // An on-path attacker can copy the real peer's certificate (it is public, and its fingerprint
    // is in the SDP) but can only sign with a key of its own.
    const real = await identity();
    const attacker = await identity();
    const outcome = await handshake(real.certPem, attacker.keyPem);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/not signed by the certificate/);
  });

  it('reads the ECDH parameters, the hash and the signature out of a ServerKeyExchange', () => {
    const publicKey = Buffer.alloc(65, 7);
    const signature = Buffer.alloc(70, 9);
    const body = Buffer.concat([
      Buffer.from([3, 0, 23, publicKey.length]),
      publicKey,
      Buffer.from([4, 3, 0, signature.length]),
      signature,
    ]);
    const parts = serverKeyExchangeParts(body);
    expect(parts.params).toEqual(body.subarray(0, 4 + 65));
    expect(parts.hash).toBe(4);
    expect(parts.signature).toEqual(signature);
    expect(() => serverKeyExchangeParts(body.subarray(0, 80))).toThrow(/cut short/);
    expect(() => serverKeyExchangeParts(Buffer.from([1, 0, 23, 0]))).toThrow(/named curve/);
  });
});
