import { createCipheriv, createHmac } from 'node:crypto';
import { AesCmKeystream } from './aesCm';
import type { FanOut } from './fanOut';
import { fanOut, STUCK, TOO_LARGE } from './fanOut';
import type { NativeAddon, NativeSender, NativeSrtpContext } from './native';
import { native } from './native';

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
 * context is created once (aesCm.ts), instead of a new AES-CTR cipher per packet. AES-GCM still needs one
 * cipher per packet in JS (Node cannot re-key an AEAD cipher with a new IV).
 *
 * With the native addon (native.ts) both profiles use one OpenSSL context for the session and
 * HMAC from precomputed states, and `send` protects and sends in one call without a Buffer; with
 * forwarding threads (fanOut.ts) engaged, `send` only queues, and one of them protects and sends.
 */
export class SrtpWriter {
  readonly #keys: SrtpKeys;
  readonly #gcm: boolean;
  readonly #ctr: AesCmKeystream | undefined;
  readonly #addon: NativeAddon | null;
  readonly #native: NativeSrtpContext | undefined;
  readonly #iv = Buffer.alloc(16);
  #pool: FanOut | null;
  /** The forwarding thread's sender for socket #senderFd (opened at the first send). */
  #sender: NativeSender | undefined;
  #senderFd = -1;
  /** The last packet went to the sender's thread (not the JS thread's send). */
  #onThread = false;
  #roc = 0;
  #lastSeq = -1;

  /**
   * `addon`: the native fast path to use (default: the process's, when built; null: JS).
   * `pool`: the forwarding threads `send` queues on (default: the process's; null: none).
   */
  constructor(
    keys: SrtpKeys,
    addon: NativeAddon | null = native,
    pool: FanOut | null = addon ? fanOut : null,
  ) {
    if (keys.profile !== PROFILE_AEAD_AES_128_GCM && keys.profile !== PROFILE_AES_CM_HMAC_SHA1_80) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    this.#keys = keys;
    this.#gcm = keys.profile === PROFILE_AEAD_AES_128_GCM;
    this.#addon = addon;
    this.#pool = pool;
    this.#native = addon?.create(
      keys.profile,
      true,
      keys.srtpSessionKey,
      keys.srtpSessionSalt,
      keys.srtpSessionAuthTag,
    );
    if (!this.#gcm && !this.#native) {
      this.#ctr = new AesCmKeystream(keys.srtpSessionKey, keys.srtpSessionSalt);
    }
  }

  /** Whether `send` works (the addon is loaded). */
  get canSend(): boolean {
    return this.#native !== undefined;
  }

  /**
   * Protects and sends one packet on the connected UDP socket `fd` (native only): bytes sent
   * (queued, with forwarding threads), or −errno (EAGAIN: the socket buffer was full and the
   * datagram is dropped, like a loss). Packets leave in the order of these calls.
   */
  send(
    fd: number,
    pt: number,
    marker: boolean,
    seq: number,
    ts: number,
    ssrc: number,
    payload: Buffer,
  ): number {
    const ctx = this.#native;
    if (!ctx || !this.#addon) throw new Error('SrtpWriter.send needs the native addon');
    const roc = this.#rocFor(seq);
    const b1 = (marker ? 0x80 : 0) | (pt & 0x7f);
    const pool = this.#pool;
    const queued = pool ? this.#queue(pool, fd, b1, seq, ts >>> 0, ssrc >>> 0, roc, payload) : -1;
    if (queued >= 0) return queued;
    return this.#addon.send(ctx, fd, b1, seq, ts >>> 0, ssrc >>> 0, roc, payload);
  }

  /**
   * Queues the packet on the stream's forwarding thread while the threads are engaged, and
   * after that until the thread is done with what it holds of the stream (then the JS thread
   * takes it back, in order, without waiting for the thread); the length, or −1: send it here.
   */
  #queue(
    pool: FanOut,
    fd: number,
    b1: number,
    seq: number,
    ts: number,
    ssrc: number,
    roc: number,
    payload: Buffer,
  ): number {
    let sender = this.#sender;
    if (pool.engaged) {
      sender = this.#senderOn(pool, fd);
      if (!sender) return -1;
      if (!this.#onThread) {
        pool.handOver(); // what the JS thread staged of this stream leaves first
        this.#onThread = true;
      }
    } else if (!this.#onThread || !sender || fd !== this.#senderFd || pool.takeBack(sender)) {
      this.#onThread = false; // its thread holds nothing of it (or another socket): send here
      return -1;
    }
    const n = pool.queue(sender, b1, seq, ts, ssrc, roc, payload);
    // Its thread has finished nothing for 500 ms: the stream leaves it without waiting (what it
    // holds may arrive late, behind these). Too large for a thread's slot (none from a UDP
    // socket): sent here, maybe ahead of packets still queued, which a receiver's jitter buffer
    // puts back in order.
    if (n === STUCK) this.#onThread = false;
    return n === STUCK || n === TOO_LARGE ? -1 : n;
  }

  #senderOn(pool: FanOut, fd: number): NativeSender | undefined {
    if (fd === this.#senderFd && this.#sender) return this.#sender;
    this.#closeSender();
    try {
      this.#sender = pool.open(this.#keys, fd);
      this.#senderFd = fd;
    } catch {
      // No fd left to dup (EMFILE): this stream stays on the JS thread.
      this.#pool = null;
    }
    return this.#sender;
  }

  #closeSender(): void {
    // Its thread sends what it holds, then lets go of the socket; a next sender on the same
    // socket runs on the same thread (fanout.c picks it by fd), after those.
    this.#onThread = false;
    if (this.#sender) this.#pool?.close(this.#sender);
    this.#sender = undefined;
    this.#senderFd = -1;
  }

  /**
   * Lets go of the forwarding thread's copy of the socket once what is queued has been sent
   * (a later `send` opens a new one: the writer stays usable).
   */
  close(): void {
    this.#closeSender();
  }

  /**
   * What the addon's route (nativeRoute.ts) protects with in this writer's place: the native
   * context and the rollover state; undefined when packets must not leave from the JS thread's
   * send now (no addon, or the stream is on a forwarding thread or about to be).
   */
  routeState(): { ctx: NativeSrtpContext; lastSeq: number; roc: number } | undefined {
    const pool = this.#pool;
    if (!this.#native || this.#onThread || pool?.engaged) return undefined;
    return { ctx: this.#native, lastSeq: this.#lastSeq, roc: this.#roc };
  }

  /** Packet `seq` left by the route: the rollover state follows it (a retransmission may come). */
  follow(seq: number): void {
    this.#rocFor(seq);
  }

  /** The rollover state the route left: numbering goes on from there. */
  setRocState(lastSeq: number, roc: number): void {
    this.#lastSeq = lastSeq;
    this.#roc = roc;
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
    if (this.#native && this.#addon) {
      const b1 = (marker ? 0x80 : 0) | (pt & 0x7f);
      const buf = Buffer.allocUnsafe(12 + payload.length + 16);
      const n = this.#addon.protect(this.#native, buf, b1, seq, ts >>> 0, ssrc >>> 0, roc, payload);
      return buf.subarray(0, n);
    }
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
    const len = payload.length;
    this.#ctr?.xor(out, 12, payload, ssrc, roc, seq);
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
