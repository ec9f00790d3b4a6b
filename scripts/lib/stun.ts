/**
 * The few STUN/TURN messages (RFC 8489, RFC 8656) the tests send to a real coturn: a Binding request
 * (is it up?) and an Allocate with long-term credentials (does it take our minted TURN pair?). Kept
 * small and explicit so a test failure shows coturn's own answer, error code and reason included.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const MAGIC = 0x2112a442;

export const StunType = {
  bindingRequest: 0x0001,
  bindingSuccess: 0x0101,
  allocateRequest: 0x0003,
  allocateSuccess: 0x0103,
  allocateError: 0x0113,
  refreshRequest: 0x0004,
} as const;

export const Attr = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;

export interface StunMessage {
  type: number;
  transactionId: Buffer;
  attributes: Map<number, Buffer>;
  /** The raw bytes, to check MESSAGE-INTEGRITY. */
  raw: Buffer;
}

function header(type: number, length: number, transactionId: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(length, 2);
  head.writeUInt32BE(MAGIC, 4);
  transactionId.copy(head, 8);
  return head;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** The long-term credential key: MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

/** Encodes a request; with `key`, appends MESSAGE-INTEGRITY over everything before it. */
export function encode(
  type: number,
  attributes: Array<[number, Buffer]>,
  key?: Buffer,
  transactionId: Buffer = randomBytes(12),
): Buffer {
  const body = Buffer.concat(attributes.map(([t, v]) => attribute(t, v)));
  if (!key) return Buffer.concat([header(type, body.length, transactionId), body]);
  // The length in the header covers MESSAGE-INTEGRITY itself (24 bytes) when it is computed.
  const signed = Buffer.concat([header(type, body.length + 24, transactionId), body]);
  const mac = createHmac('sha1', key).update(signed).digest();
  return Buffer.concat([signed, attribute(Attr.messageIntegrity, mac)]);
}

export function decode(raw: Buffer): StunMessage {
  if (raw.length < 20 || raw.readUInt32BE(4) !== MAGIC) throw new Error('not a STUN message');
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  const end = 20 + raw.readUInt16BE(2);
  while (offset + 4 <= end) {
    const type = raw.readUInt16BE(offset);
    const length = raw.readUInt16BE(offset + 2);
    // The first occurrence counts (RFC 8489 §14); later duplicates are ignored.
    if (!attributes.has(type)) attributes.set(type, raw.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: raw.readUInt16BE(0), transactionId: raw.subarray(8, 20), attributes, raw };
}

/** Whether a response's MESSAGE-INTEGRITY was made with `key` (proves both sides share it). */
export function integrityMatches(message: StunMessage, key: Buffer): boolean {
  const { raw } = message;
  let offset = 20;
  while (offset + 4 <= raw.length) {
    const type = raw.readUInt16BE(offset);
    const length = raw.readUInt16BE(offset + 2);
    if (type === Attr.messageIntegrity) {
      const signed = Buffer.from(raw.subarray(0, offset));
      signed.writeUInt16BE(offset - 20 + 24, 2);
      const mac = createHmac('sha1', key).update(signed).digest();
      return mac.equals(raw.subarray(offset + 4, offset + 4 + length));
    }
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return false;
}

export function errorCode(message: StunMessage): { code: number; reason: string } | undefined {
  const value = message.attributes.get(Attr.errorCode);
  if (!value || value.length < 4) return undefined;
  return {
    code: (value[2]! & 0x7) * 100 + value[3]!,
    reason: value.subarray(4).toString('utf8'),
  };
}

/** XOR-RELAYED-ADDRESS (IPv4) as `address:port`. */
export function relayedAddress(message: StunMessage): string | undefined {
  const value = message.attributes.get(Attr.xorRelayedAddress);
  if (!value || value.length < 8 || value[1] !== 0x01) return undefined;
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (value.readUInt32BE(4) ^ MAGIC) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${port}`;
}

/**
 * One UDP socket talking to one STUN/TURN server: a TURN allocation belongs to the client's
 * address and port, so every request of an Allocate/Refresh exchange must come from the same socket.
 */
export class StunClient {
  readonly #socket = createSocket('udp4');
  readonly #pending = new Map<string, (message: StunMessage) => void>();

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.#socket.on('message', (raw) => {
      let message: StunMessage;
      try {
        message = decode(raw);
      } catch {
        return; // Not STUN: ignore it, as a client must.
      }
      this.#pending.get(message.transactionId.toString('hex'))?.(message);
    });
  }

  /** Sends a request, retransmitting (RFC 8489: 500 ms, doubling) until an answer or `timeoutMs`. */
  request(request: Buffer, timeoutMs = 5_000): Promise<StunMessage> {
    const id = request.subarray(8, 20).toString('hex');
    return new Promise<StunMessage>((resolve, reject) => {
      let interval = 500;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(deadline);
        clearTimeout(timer);
        this.#pending.delete(id);
      };
      const deadline = setTimeout(() => {
        finish();
        reject(new Error(`no STUN answer from ${this.host}:${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      const send = () => {
        this.#socket.send(request, this.port, this.host);
        timer = setTimeout(send, interval);
        interval *= 2;
      };
      this.#pending.set(id, (message) => {
        finish();
        resolve(message);
      });
      send();
    });
  }

  close(): void {
    this.#socket.close();
  }
}

export type AllocateOutcome =
  | { ok: true; relayed: string; lifetime: number; integrityOk: boolean }
  | { ok: false; code: number; reason: string };

/**
 * A TURN Allocate (UDP relay) with long-term credentials, as a browser does it: unauthenticated
 * first, then again with the realm and nonce of coturn's 401. Releases the allocation it got.
 */
export async function allocate(
  host: string,
  port: number,
  username: string,
  password: string,
): Promise<AllocateOutcome> {
  const client = new StunClient(host, port);
  try {
    return await allocateWith(client, username, password);
  } finally {
    client.close();
  }
}

async function allocateWith(
  client: StunClient,
  username: string,
  password: string,
): Promise<AllocateOutcome> {
  const transport: [number, Buffer] = [Attr.requestedTransport, Buffer.from([17, 0, 0, 0])];
  const challenge = await client.request(encode(StunType.allocateRequest, [transport]));
  const realm = challenge.attributes.get(Attr.realm);
  const nonce = challenge.attributes.get(Attr.nonce);
  if (challenge.type !== StunType.allocateError || !realm || !nonce) {
    throw new Error(`expected a 401 challenge, got type 0x${challenge.type.toString(16)}`);
  }
  const key = longTermKey(username, realm.toString('utf8'), password);
  const auth: Array<[number, Buffer]> = [
    [Attr.username, Buffer.from(username, 'utf8')],
    [Attr.realm, realm],
    [Attr.nonce, nonce],
  ];
  const answer = await client.request(encode(StunType.allocateRequest, [transport, ...auth], key));
  if (answer.type !== StunType.allocateSuccess) {
    const error = errorCode(answer) ?? { code: 0, reason: 'no ERROR-CODE' };
    return { ok: false, ...error };
  }
  const relayed = relayedAddress(answer);
  if (!relayed) throw new Error('Allocate succeeded without XOR-RELAYED-ADDRESS');
  const lifetime = answer.attributes.get(Attr.lifetime)?.readUInt32BE(0) ?? 0;
  // Refresh with LIFETIME 0 deletes the allocation (RFC 8656 §7): leave coturn as we found it.
  await client
    .request(encode(StunType.refreshRequest, [[Attr.lifetime, Buffer.alloc(4)], ...auth], key))
    .catch(() => undefined);
  return { ok: true, relayed, lifetime, integrityOk: integrityMatches(answer, key) };
}
