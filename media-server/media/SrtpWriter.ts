import type { Cipher } from 'node:crypto';
import { createCipheriv, createHmac } from 'node:crypto';

/** The session keys of one SRTP direction, as werift's SrtpContext derives them. */
export interface SrtpKeys {
  profile: number;
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}

const PROFILE_AES_CM_HMAC_SHA1_80 = 0x0001;
const PROFILE_AEAD_AES_128_GCM = 0x0007;

/**
 * Encrypts RTP for one outgoing SSRC straight into one output buffer (header ‖ payload ‖ tag),
 * without werift's per-packet header object, BitWriter and Buffer.concat. For AES-CM the AES
 * context is created once: the keystream comes from a long-lived AES-ECB cipher over counter
 * blocks (RFC 3711 §4.1.1), instead of a new AES-CTR cipher per packet. AES-GCM still needs one
 * cipher per packet (Node cannot re-key an AEAD cipher with a new IV).
 */
export class SrtpWriter {
  readonly #keys: SrtpKeys;
  readonly #gcm: boolean;
  readonly #ecb: Cipher | undefined;
  /** Scratch for counter blocks, grown on demand. */
  #blocks = Buffer.alloc(16 * 96);
  #words = new Uint32Array(this.#blocks.buffer, this.#blocks.byteOffset, this.#blocks.length / 4);
  readonly #iv = Buffer.alloc(16);
  #roc = 0;
  #lastSeq = -1;

  constructor(keys: SrtpKeys) {
    if (keys.profile !== PROFILE_AEAD_AES_128_GCM && keys.profile !== PROFILE_AES_CM_HMAC_SHA1_80) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    this.#keys = keys;
    this.#gcm = keys.profile === PROFILE_AEAD_AES_128_GCM;
    if (!this.#gcm) {
      const ecb = createCipheriv('aes-128-ecb', keys.srtpSessionKey, null);
      ecb.setAutoPadding(false);
      this.#ecb = ecb;
    }
  }

  /** Rollover counter (RFC 3711 §3.3.1) for a sender that emits sequence numbers in order. */
  #rocFor(seq: number): number {
    if (this.#lastSeq >= 0 && seq < this.#lastSeq && this.#lastSeq - seq > 0x8000) this.#roc++;
    // A retransmission of a packet from before the last wrap belongs to the previous ROC.
    const roc =
      this.#lastSeq >= 0 && seq > this.#lastSeq && seq - this.#lastSeq > 0x8000
        ? this.#roc - 1
        : this.#roc;
    if (this.#lastSeq < 0 || ((seq - this.#lastSeq) & 0xffff) < 0x8000) this.#lastSeq = seq;
    return roc >>> 0;
  }

  /**
   * @param pt payload type; `marker` the M bit. The 12-byte header is written here: no CSRCs, no
   * extensions (the publisher's extension ids mean nothing on this connection).
   */
  encrypt(
    pt: number,
    marker: boolean,
    seq: number,
    ts: number,
    ssrc: number,
    payload: Buffer,
  ): Buffer {
    const roc = this.#rocFor(seq);
    const tagLen = this.#gcm ? 16 : 10;
    const out = Buffer.allocUnsafe(12 + payload.length + tagLen);
    out[0] = 0x80;
    out[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
    out.writeUInt16BE(seq, 2);
    out.writeUInt32BE(ts >>> 0, 4);
    out.writeUInt32BE(ssrc >>> 0, 8);
    if (this.#gcm) this.#gcmEncrypt(out, payload, seq, ssrc, roc);
    else this.#ctrEncrypt(out, payload, seq, ssrc, roc);
    return out;
  }

  #gcmEncrypt(out: Buffer, payload: Buffer, seq: number, ssrc: number, roc: number): void {
    // RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt.
    const iv = this.#iv.subarray(0, 12);
    const salt = this.#keys.srtpSessionSalt;
    iv.writeUInt16BE(0, 0);
    iv.writeUInt32BE(ssrc >>> 0, 2);
    iv.writeUInt32BE(roc, 6);
    iv.writeUInt16BE(seq, 10);
    for (let i = 0; i < 12; i++) iv[i] = (iv[i] ?? 0) ^ (salt[i] ?? 0);
    const c = createCipheriv('aes-128-gcm', this.#keys.srtpSessionKey, iv);
    c.setAAD(out.subarray(0, 12));
    const enc = c.update(payload);
    c.final();
    enc.copy(out, 12);
    c.getAuthTag().copy(out, 12 + payload.length);
  }

  #ctrEncrypt(out: Buffer, payload: Buffer, seq: number, ssrc: number, roc: number): void {
    const n = Math.ceil(payload.length / 16);
    if (this.#blocks.length < n * 16) {
      this.#blocks = Buffer.alloc(n * 16);
      this.#words = new Uint32Array(
        this.#blocks.buffer,
        this.#blocks.byteOffset,
        this.#blocks.length / 4,
      );
    }
    const blocks = this.#blocks;
    // IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16), index = ROC · 2^16 + SEQ; as four
    // big-endian words, the last one ending in the 16-bit block counter.
    const salt = this.#keys.srtpSessionSalt;
    const w0 = salt.readUInt32BE(0);
    const w1 = (salt.readUInt32BE(4) ^ ssrc) >>> 0;
    const w2 = (salt.readUInt32BE(8) ^ roc) >>> 0;
    const w3 = ((((salt.readUInt16BE(12) ^ seq) & 0xffff) << 16) >>> 0) as number;
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
    const ks = this.#ecb?.update(blocks.subarray(0, n * 16));
    if (!ks) throw new Error('no keystream');
    const len = payload.length;
    xorInto(out, 12, payload, ks, len);
    // Auth tag: HMAC-SHA1(auth key, header ‖ encrypted payload ‖ ROC), first 80 bits.
    const rocBuf = this.#iv.subarray(0, 4);
    rocBuf.writeUInt32BE(roc, 0);
    const tag = createHmac('sha1', this.#keys.srtpSessionAuthTag)
      .update(out.subarray(0, 12 + len))
      .update(rocBuf)
      .digest();
    tag.copy(out, 12 + len, 0, 10);
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
