import type { Cipher } from 'node:crypto';
import { createCipheriv } from 'node:crypto';

/**
 * AES-128 in counter mode as SRTP uses it (RFC 3711 §4.1.1), from one long-lived AES-ECB context:
 * the counter blocks are written into a scratch buffer and encrypted in one `update`, instead of
 * a new Node AES-CTR cipher object per packet (werift's way). Encryption and decryption are the
 * same XOR; SrtpWriter and SrtpReader share this.
 */
export class AesCmKeystream {
  readonly #ecb: Cipher;
  readonly #salt: Buffer;
  /** Scratch for counter blocks, grown on demand. */
  #blocks = Buffer.alloc(16 * 96);
  #words = new Uint32Array(this.#blocks.buffer, this.#blocks.byteOffset, this.#blocks.length / 4);

  constructor(sessionKey: Buffer, sessionSalt: Buffer) {
    const ecb = createCipheriv('aes-128-ecb', sessionKey, null);
    ecb.setAutoPadding(false);
    this.#ecb = ecb;
    this.#salt = sessionSalt;
  }

  /** out[at + i] = input[i] ^ keystream(ssrc, roc, seq)[i] for every byte of `input`. */
  xor(out: Buffer, at: number, input: Buffer, ssrc: number, roc: number, seq: number): void {
    const n = Math.ceil(input.length / 16);
    if (this.#blocks.length < n * 16) {
      this.#blocks = Buffer.alloc(n * 16);
      this.#words = new Uint32Array(
        this.#blocks.buffer,
        this.#blocks.byteOffset,
        this.#blocks.length / 4,
      );
    }
    // IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16), index = ROC · 2^16 + SEQ; as four
    // big-endian words, the last one ending in the 16-bit block counter.
    const salt = this.#salt;
    const w0 = salt.readUInt32BE(0);
    const w1 = (salt.readUInt32BE(4) ^ ssrc) >>> 0;
    const w2 = (salt.readUInt32BE(8) ^ roc) >>> 0;
    const w3 = (((salt.readUInt16BE(12) ^ seq) & 0xffff) << 16) >>> 0;
    // Counter blocks through a host-order (little-endian) word view: byte-swap once per word.
    const words = this.#words;
    const s0 = bswap32(w0);
    const s1 = bswap32(w1);
    const s2 = bswap32(w2);
    for (let b = 0, j = 0; b < n; b++, j += 4) {
      words[j] = s0;
      words[j + 1] = s1;
      words[j + 2] = s2;
      words[j + 3] = bswap32((w3 | b) >>> 0);
    }
    const ks = this.#ecb.update(this.#blocks.subarray(0, n * 16));
    xorInto(out, at, input, ks, input.length);
  }
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/**
 * out[at + i] = a[i] ^ b[i] for i < len: four bytes at a time when all three are 4-byte aligned
 * (usual here: pooled buffers and a 12-byte RTP header), byte by byte otherwise.
 */
function xorInto(out: Buffer, at: number, a: Buffer, b: Buffer, len: number): void {
  let i = 0;
  if (((out.byteOffset + at) & 3) === 0 && (a.byteOffset & 3) === 0 && (b.byteOffset & 3) === 0) {
    const words = len >>> 2;
    const o = new Int32Array(out.buffer, out.byteOffset + at, words);
    const x = new Int32Array(a.buffer, a.byteOffset, words);
    const y = new Int32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) o[w] = (x[w] ?? 0) ^ (y[w] ?? 0);
    i = words << 2;
  }
  for (; i < len; i++) out[at + i] = (a[i] ?? 0) ^ (b[i] ?? 0);
}
