import { describe, expect, it } from 'vitest';
import { CipherContext, DtlsClient, DtlsServer } from 'werift';

import {
  certificateVerifyParts,
  guardClientCertificate,
  serverKeyExchangeParts,
  verifyDtlsSignatures,
} from './dtlsSignatures';

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

interface Identity {
  certPem: string;
  keyPem: string;
}

/** A DTLS handshake between a client and a server, each showing `cert` and signing with `key`. */
async function handshake(
  client: Identity & { cert?: string },
  server: Identity & { cert?: string },
): Promise<{ client: 'connected' | Error; server: 'connected' | Error | 'pending' }> {
  const [toServer, toClient] = datagramPair();
  const dtlsServer = new DtlsServer({
    cert: server.cert ?? server.certPem,
    key: server.keyPem,
    signatureHash: ecdsa,
    transport: toServer,
    certificateRequest: true,
    extendedMasterSecret: true,
  });
  guardClientCertificate(dtlsServer);
  const dtlsClient = new DtlsClient({
    cert: client.cert ?? client.certPem,
    key: client.keyPem,
    signatureHash: ecdsa,
    transport: toClient,
    extendedMasterSecret: true,
  });
  let serverOutcome: 'connected' | Error | 'pending' = 'pending';
  dtlsServer.onConnect.once(() => (serverOutcome = 'connected'));
  dtlsServer.onError.once((error: Error) => (serverOutcome = error));
  try {
    const clientOutcome = await new Promise<'connected' | Error>((resolve) => {
      dtlsClient.onConnect.once(() => resolve('connected'));
      dtlsClient.onError.once((error: Error) => resolve(error));
      setTimeout(() => resolve(new Error('no outcome in 3 s')), 3_000);
      void dtlsClient.connect();
    });
    return { client: clientOutcome, server: serverOutcome };
  } finally {
    dtlsClient.close();
    dtlsServer.close();
  }
}

describe("the DTLS server's key exchange signature", () => {
  verifyDtlsSignatures();

  it('connects peers that sign with their certificates’ keys', async () => {
    const outcome = await handshake(await identity(), await identity());
    expect(outcome).toEqual({ client: 'connected', server: 'connected' });
  });

  // An on-path attacker can copy a real peer's certificate (it is public, and its fingerprint is
  // in the SDP) but can only sign with a key of its own.
  it('fails the handshake of a server that shows a certificate whose key it does not hold', async () => {
    const real = await identity();
    const attacker = await identity();
    const outcome = await handshake(await identity(), { cert: real.certPem, ...attacker });
    expect(outcome.client).toBeInstanceOf(Error);
    expect((outcome.client as Error).message).toMatch(/ServerKeyExchange is not signed/);
  });

  it('fails the handshake of a client that shows a certificate whose key it does not hold', async () => {
    const real = await identity();
    const attacker = await identity();
    const outcome = await handshake({ cert: real.certPem, ...attacker }, await identity());
    expect(outcome.server).toBeInstanceOf(Error);
    expect((outcome.server as Error).message).toMatch(/CertificateVerify is not signed/);
    // Our server never sends its Finished, so the client cannot complete either.
    expect(outcome.client).not.toBe('connected');
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
    const verifyBody = Buffer.concat([Buffer.from([4, 3, 0, 70]), signature]);
    expect(certificateVerifyParts(verifyBody)).toEqual({ hash: 4, signature });
    expect(() => certificateVerifyParts(verifyBody.subarray(0, 10))).toThrow(/cut short/);
  });
});
