import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { SrtpAuthenticationError } from 'werift';
import { AesCmKeystream } from './aesCm';
import type { NativeAddon, NativeSrtpContext } from './native';
import { native } from './native';

/** The SRTCP half of one direction of werift's key context (rtp/src/srtp/context/context.js). */
export interface SrtcpKeys {
  profile: number;
  srtcpSessionKey: Buffer;
  srtcpSessionSalt: Buffer;
  srtcpSessionAuthTag: Buffer;
  /** werift's per-SSRC SRTCP index (sender side). */
  srtcpSSRCStates?: Record<string, { srtcpIndex: number } | undefined>;
}

const PROFILE_AES_CM_HMAC_SHA1_80 = 0x0001;
const PROFILE_AEAD_AES_128_GCM = 0x0007;
const CM_TAG = 10;
const GCM_TAG = 16;
const INDEX = 4;
const E_BIT = 0x80000000;
const FAILED = 'Failed to authenticate SRTCP packet';

function checkProfile(profile: number): void {
  if (profile !== PROFILE_AES_CM_HMAC_SHA1_80 && profile !== PROFILE_AEAD_AES_128_GCM) {
    throw new Error(`unsupported SRTCP profile ${profile}`);
  }
}

/**
 * Protects outgoing RTCP for one connection: byte-identical to werift's `SrtcpSession.encrypt`
 * (same per-SSRC index, starting after werift's, wrapping to 0 past 2^31 − 1 as werift does;
 * always encrypted, E = 1), without werift's per-packet AES-CTR or GCM cipher, HMAC object and
 * three Buffer.concat calls. Native: one OpenSSL context for the session and HMAC from
 * precomputed states. JS: one AES-ECB context (AES-CM) and one HMAC per packet (Node cannot
 * reuse an HMAC after its digest), one Node GCM cipher per packet for GCM.
 */
export class SrtcpWriter {
  readonly #keys: SrtcpKeys;
  readonly #gcm: boolean;
  readonly #addon: NativeAddon | null;
  readonly #native: NativeSrtpContext | undefined;
  readonly #ctr: AesCmKeystream | undefined;
  readonly #index = new Map<number, number>();

  constructor(keys: SrtcpKeys, addon: NativeAddon | null = native) {
    checkProfile(keys.profile);
    this.#keys = keys;
    this.#gcm = keys.profile === PROFILE_AEAD_AES_128_GCM;
    this.#addon = addon;
    this.#native = addon?.create(
      keys.profile,
      true,
      keys.srtcpSessionKey,
      keys.srtcpSessionSalt,
      keys.srtcpSessionAuthTag,
    );
    if (!this.#gcm && !this.#native) {
      this.#ctr = new AesCmKeystream(keys.srtcpSessionKey, keys.srtcpSessionSalt);
    }
    // Packets werift protected before this writer took over count: continue their indexes.
    for (const [ssrc, st] of Object.entries(keys.srtcpSSRCStates ?? {})) {
      if (st) this.#index.set(Number(ssrc) >>> 0, st.srtcpIndex);
    }
  }

  /** The next index for the packet's first SSRC, as werift counts: 1, 2, …, 2^31 − 1, 0, 1. */
  #nextIndex(ssrc: number): number {
    let index = (this.#index.get(ssrc) ?? 0) + 1;
    if (index > 0x7fffffff) index = 0;
    this.#index.set(ssrc, index);
    return index;
  }

  encrypt(rtcp: Buffer): Buffer {
    if (rtcp.length < 8) throw new Error('RTCP packet too short');
    const index = this.#nextIndex(rtcp.readUInt32BE(4));
    const n = rtcp.length;
    if (this.#native && this.#addon) {
      const out = Buffer.allocUnsafe(n + INDEX + GCM_TAG);
      const len = this.#addon.rtcpProtect(this.#native, out, rtcp, index);
      return out.subarray(0, len);
    }
    return this.#gcm ? this.#gcmEncrypt(rtcp, index) : this.#ctrEncrypt(rtcp, index);
  }

  #ctrEncrypt(rtcp: Buffer, index: number): Buffer {
    const n = rtcp.length;
    const out = Buffer.allocUnsafe(n + INDEX + CM_TAG);
    rtcp.copy(out, 0, 0, 8);
    // werift's counter: the index split as ROC = index >> 16, SEQ = index & 0xffff.
    this.#ctr?.xor(out, 8, rtcp.subarray(8), rtcp.readUInt32BE(4), index >>> 16, index & 0xffff);
    out.writeUInt32BE((index | E_BIT) >>> 0, n);
    const tag = createHmac('sha1', this.#keys.srtcpSessionAuthTag)
      .update(out.subarray(0, n + INDEX))
      .digest();
    tag.copy(out, n + INDEX, 0, CM_TAG);
    return out;
  }

  #gcmEncrypt(rtcp: Buffer, index: number): Buffer {
    const n = rtcp.length;
    const out = Buffer.allocUnsafe(n + GCM_TAG + INDEX);
    rtcp.copy(out, 0, 0, 8);
    out.writeUInt32BE((index | E_BIT) >>> 0, n + GCM_TAG);
    const c = createCipheriv(
      'aes-128-gcm',
      this.#keys.srtcpSessionKey,
      gcmIv(this.#keys, rtcp, index),
    );
    c.setAAD(Buffer.concat([rtcp.subarray(0, 8), out.subarray(n + GCM_TAG)]));
    c.update(rtcp.subarray(8)).copy(out, 8);
    c.final();
    c.getAuthTag().copy(out, n);
    return out;
  }
}

/** RFC 7714 §9.1: (0x0000 ‖ SSRC ‖ 0x0000 ‖ 31-bit index) XOR the first 12 bytes of the salt. */
function gcmIv(keys: SrtcpKeys, rtcp: Buffer, index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(rtcp.readUInt32BE(4), 2);
  iv.writeUInt32BE(index >>> 0, 8);
  for (let i = 0; i < 12; i++) iv[i] = (iv[i] ?? 0) ^ (keys.srtcpSessionSalt[i] ?? 0);
  return iv;
}

/**
 * Authenticates and decrypts incoming SRTCP for one connection: the same output as werift's
 * `SrtcpSession.decrypt` (the plain compound packet) and the same SrtpAuthenticationError for a
 * short or forged packet. Native: in place (the datagram is ours alone, as for SRTP).
 */
export class SrtcpReader {
  readonly #keys: SrtcpKeys;
  readonly #gcm: boolean;
  readonly #addon: NativeAddon | null;
  readonly #native: NativeSrtpContext | undefined;
  readonly #ctr: AesCmKeystream | undefined;

  constructor(keys: SrtcpKeys, addon: NativeAddon | null = native) {
    checkProfile(keys.profile);
    this.#keys = keys;
    this.#gcm = keys.profile === PROFILE_AEAD_AES_128_GCM;
    this.#addon = addon;
    this.#native = addon?.create(
      keys.profile,
      false,
      keys.srtcpSessionKey,
      keys.srtcpSessionSalt,
      keys.srtcpSessionAuthTag,
    );
    if (!this.#gcm && !this.#native) {
      this.#ctr = new AesCmKeystream(keys.srtcpSessionKey, keys.srtcpSessionSalt);
    }
  }

  decrypt(packet: Buffer): Buffer {
    if (this.#native && this.#addon) {
      const n = this.#addon.rtcpUnprotect(this.#native, packet);
      if (n < 0) throw new SrtpAuthenticationError(FAILED);
      return packet.subarray(0, n);
    }
    return this.#gcm ? this.#gcmDecrypt(packet) : this.#ctrDecrypt(packet);
  }

  #ctrDecrypt(packet: Buffer): Buffer {
    const n = packet.length;
    if (n < 8 + INDEX + CM_TAG) throw new SrtpAuthenticationError(FAILED);
    const end = n - CM_TAG;
    const expected = createHmac('sha1', this.#keys.srtcpSessionAuthTag)
      .update(packet.subarray(0, end))
      .digest()
      .subarray(0, CM_TAG);
    if (!timingSafeEqual(packet.subarray(end), expected)) throw new SrtpAuthenticationError(FAILED);
    const plain = end - INDEX;
    const out = Buffer.allocUnsafe(plain);
    packet.copy(out, 0, 0, plain);
    const word = packet.readUInt32BE(plain);
    if (word >>> 31 === 0) return out;
    const index = word & 0x7fffffff;
    this.#ctr?.xor(
      out,
      8,
      packet.subarray(8, plain),
      packet.readUInt32BE(4),
      index >>> 16,
      index & 0xffff,
    );
    return out;
  }

  #gcmDecrypt(packet: Buffer): Buffer {
    const n = packet.length;
    if (n < 8 + GCM_TAG + INDEX) throw new SrtpAuthenticationError(FAILED);
    const indexAt = n - INDEX;
    const tagAt = indexAt - GCM_TAG;
    const word = packet.readUInt32BE(indexAt);
    const encrypted = word >>> 31 === 1;
    const index = word & 0x7fffffff;
    const d = createDecipheriv(
      'aes-128-gcm',
      this.#keys.srtcpSessionKey,
      gcmIv(this.#keys, packet, index),
    );
    d.setAAD(Buffer.concat([packet.subarray(0, encrypted ? 8 : tagAt), packet.subarray(indexAt)]));
    d.setAuthTag(packet.subarray(tagAt, indexAt));
    const out = Buffer.allocUnsafe(tagAt);
    packet.copy(out, 0, 0, encrypted ? 8 : tagAt);
    if (encrypted) d.update(packet.subarray(8, tagAt)).copy(out, 8);
    try {
      d.final();
    } catch {
      throw new SrtpAuthenticationError(FAILED);
    }
    return out;
  }
}

/** werift's SRTCP session, as far as the fast path touches it. */
interface WeriftSrtcpSession {
  encrypt: (rtcp: Buffer) => Buffer;
  decrypt: (buf: Buffer) => Buffer;
  localContext?: SrtcpKeys;
  remoteContext?: SrtcpKeys;
}

const installed = new WeakSet<object>();

/**
 * Puts an SrtcpWriter and an SrtcpReader in place of werift's per-packet SRTCP on one DTLS
 * transport (werift calls `srtcp.encrypt(buf)` for every RTCP packet it sends and
 * `srtcp.decrypt(data)` for every one it receives). Idempotent per session.
 */
export function installSrtcp(dtls: { srtcp?: unknown }, addon: NativeAddon | null = native): void {
  const session = dtls.srtcp as WeriftSrtcpSession | undefined;
  const local = session?.localContext;
  const remote = session?.remoteContext;
  if (!session || !local || !remote || installed.has(session)) return;
  installed.add(session);
  const writer = new SrtcpWriter(local, addon);
  const reader = new SrtcpReader(remote, addon);
  session.encrypt = (rtcp) => writer.encrypt(rtcp);
  session.decrypt = (buf) => reader.decrypt(buf);
}
