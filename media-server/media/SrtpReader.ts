import { createHmac, timingSafeEqual } from 'node:crypto';
import { SrtpAuthenticationError } from 'werift';
import { AesCmKeystream } from './aesCm';
import type { NativeAddon, NativeSrtpContext } from './native';
import { native } from './native';
import type { SrtpKeys } from './SrtpWriter';

const PROFILE_AES_CM_HMAC_SHA1_80 = 0x0001;
const PROFILE_AEAD_AES_128_GCM = 0x0007;
const TAG = 10;
const GCM_TAG = 16;
/** werift's rollover estimate (rtp/src/srtp/context/context.js), kept bug for bug. */
const MAX_ROC_DISORDER = 100;
const MAX_SEQ = 65535;

interface WeriftRocState {
  rolloverCounter: number;
  lastSequenceNumber: number;
  rolloverHasProcessed?: boolean;
}

interface RocState {
  roc: number;
  lastSeq: number;
  seen: boolean;
}

/**
 * Decrypts incoming SRTP (AES_CM_128_HMAC_SHA1_80) for one remote: same output as werift's
 * `SrtpSession.decrypt` (header ‖ plaintext payload, padding included, tag removed), same
 * rollover estimate, same SrtpAuthenticationError on a bad tag, but with one long-lived AES
 * context (aesCm.ts), decrypting in place (the datagram is ours alone), instead of a header
 * object, a new AES-CTR cipher and a Buffer.concat per packet. With the native addon (native.ts)
 * it handles AEAD_AES_128_GCM too.
 */
export class SrtpReader {
  readonly #ctr: AesCmKeystream | undefined;
  readonly #authKey: Buffer;
  readonly #addon: NativeAddon | null;
  readonly #native: NativeSrtpContext | undefined;
  readonly #tag: number;
  readonly #states = new Map<number, RocState>();
  /** The rollover estimate of the packet being decrypted, kept only once it authenticates. */
  readonly #next: RocState = { roc: 0, lastSeq: 0, seen: false };
  readonly #roc = Buffer.alloc(4);
  /** SSRCs whose rollover state the addon's route holds (nativeRoute.ts): taken back first. */
  readonly #held = new Map<number, () => void>();

  /**
   * `keys` is werift's remote context (see `supports`). Its per-SSRC rollover states are taken
   * over, so packets werift decrypted before (across a wrap) count. `addon`: as in SrtpWriter.
   */
  constructor(
    keys: SrtpKeys & { srtpSSRCStates?: Record<string, WeriftRocState | undefined> },
    addon: NativeAddon | null = native,
  ) {
    if (!SrtpReader.supports(keys, addon)) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    this.#addon = addon;
    this.#native = addon?.create(
      keys.profile,
      false,
      keys.srtpSessionKey,
      keys.srtpSessionSalt,
      keys.srtpSessionAuthTag,
    );
    this.#tag = keys.profile === PROFILE_AEAD_AES_128_GCM ? GCM_TAG : TAG;
    this.#ctr = this.#native
      ? undefined
      : new AesCmKeystream(keys.srtpSessionKey, keys.srtpSessionSalt);
    this.#authKey = keys.srtpSessionAuthTag;
    for (const [ssrc, st] of Object.entries(keys.srtpSSRCStates ?? {})) {
      if (!st) continue;
      this.#states.set(Number(ssrc) >>> 0, {
        roc: st.rolloverCounter,
        lastSeq: st.lastSequenceNumber,
        seen: st.rolloverHasProcessed === true,
      });
    }
  }

  /** AES-CM always; GCM with the addon only (werift keeps decrypting GCM otherwise). */
  static supports(keys: SrtpKeys, addon: NativeAddon | null = native): boolean {
    return (
      keys.profile === PROFILE_AES_CM_HMAC_SHA1_80 ||
      (keys.profile === PROFILE_AEAD_AES_128_GCM && addon !== null)
    );
  }

  decrypt(packet: Buffer): Buffer {
    return packet.subarray(0, this.decryptLength(packet));
  }

  /**
   * `decrypt` without the result's Buffer: decrypts in place and returns the length of header ‖
   * plaintext (the short route reads the datagram itself: a Buffer less per packet).
   */
  decryptLength(packet: Buffer): number {
    const end = packet.length - this.#tag;
    const offset = payloadOffset(packet, end);
    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    if (this.#held.size !== 0) this.#held.get(ssrc)?.();
    const prev = this.#states.get(ssrc);
    // No object per packet: the estimate goes into a scratch state, copied back once it counts.
    const next = this.#next;
    next.roc = prev ? prev.roc : 0;
    next.lastSeq = prev ? prev.lastSeq : 0;
    next.seen = prev ? prev.seen : false;
    updateRoc(seq, next);
    const roc = next.roc >>> 0;
    if (this.#native && this.#addon) {
      const n = this.#addon.unprotect(this.#native, packet, offset, roc);
      if (n < 0) throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
      checkPadding(packet, offset, end); // n is end: header ‖ plaintext
      this.#commit(ssrc, prev);
      return n;
    }
    this.#roc.writeUInt32BE(roc, 0);
    const expected = createHmac('sha1', this.#authKey)
      .update(packet.subarray(0, end))
      .update(this.#roc)
      .digest()
      .subarray(0, TAG);
    if (!timingSafeEqual(packet.subarray(end), expected)) {
      throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
    }
    // In place, as the addon does: the payload werift gets (and a sink's SendHistory keeps for
    // ~1 s) is then a view of the datagram's own ArrayBuffer. A copy from Buffer.allocUnsafe
    // was a slice of Node's shared 8 KB pool, so one kept payload kept alive, into the old
    // generation, the slab that also held the outgoing packets of every subscriber.
    const out = packet.subarray(0, end);
    this.#ctr?.xor(out, offset, out.subarray(offset, end), ssrc, roc, seq);
    checkPadding(out, offset, end);
    this.#commit(ssrc, prev);
    return end;
  }

  /**
   * The native context and `ssrc`'s rollover state, for the addon's route to decrypt with while
   * it holds them (`release` gives them back: called before this reader decrypts `ssrc` again).
   */
  hold(
    ssrc: number,
    release: () => void,
  ): { ctx: NativeSrtpContext; roc: number; lastSeq: number; seen: boolean } | undefined {
    const st = this.#states.get(ssrc);
    if (!this.#native || !st || this.#held.has(ssrc)) return undefined;
    this.#held.set(ssrc, release);
    return { ctx: this.#native, roc: st.roc, lastSeq: st.lastSeq, seen: st.seen };
  }

  /** The state the route left (routeRemove): decryption goes on from there. */
  unhold(ssrc: number, roc: number, lastSeq: number, seen: boolean): void {
    this.#held.delete(ssrc);
    this.#states.set(ssrc, { roc, lastSeq, seen });
  }

  #commit(ssrc: number, prev: RocState | undefined): void {
    const next = this.#next;
    if (!prev) {
      this.#states.set(ssrc, { roc: next.roc, lastSeq: next.lastSeq, seen: next.seen });
      return;
    }
    prev.roc = next.roc;
    prev.lastSeq = next.lastSeq;
    prev.seen = next.seen;
  }
}

/** werift refuses padding that is zero or longer than the payload (same error). */
function checkPadding(out: Buffer, offset: number, end: number): void {
  if (((out[0] ?? 0) & 0x20) === 0) return;
  const padding = out[end - 1] ?? 0;
  if (end <= offset || padding === 0 || padding > end - offset) {
    throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
  }
}

/** Where the payload starts (after CSRCs and the extension), checked as werift checks it. */
function payloadOffset(p: Buffer, end: number): number {
  if (end < 12) throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
  const b0 = p[0] ?? 0;
  let offset = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (offset + 4 > end) throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
    offset += 4 + p.readUInt16BE(offset + 2) * 4;
  }
  if (offset > end) throw new SrtpAuthenticationError('Failed to authenticate SRTP packet');
  return offset;
}

function updateRoc(seq: number, s: RocState): void {
  if (!s.seen) {
    s.seen = true;
  } else if (seq === 0) {
    if (s.lastSeq > MAX_ROC_DISORDER) s.roc++;
  } else if (s.lastSeq < MAX_ROC_DISORDER && seq > MAX_SEQ - MAX_ROC_DISORDER) {
    if (s.roc > 0) s.roc--;
  } else if (seq < MAX_ROC_DISORDER && s.lastSeq > MAX_SEQ - MAX_ROC_DISORDER) {
    s.roc++;
  }
  s.lastSeq = seq;
}

/** werift's SRTP session, as far as the fast path touches it. */
interface WeriftSrtpSession {
  decrypt: (buf: Buffer) => Buffer;
  /** Ours (fastDatagram.ts reads it): decrypts in place, returns the plaintext packet's length. */
  decryptLength?: (buf: Buffer) => number;
  remoteContext?: SrtpKeys;
}

const installed = new WeakMap<object, SrtpReader>();

/** The reader installed on a werift SRTP session (installSrtpReader), if any. */
export function srtpReaderOf(session: unknown): SrtpReader | undefined {
  return typeof session === 'object' && session !== null ? installed.get(session) : undefined;
}

/**
 * Puts an SrtpReader in place of werift's per-packet decryption on one DTLS transport's SRTP
 * session (werift calls `srtp.decrypt(data)` for every incoming RTP packet). Sessions already
 * done, and GCM ones without the addon, are left alone.
 */
export function installSrtpReader(
  dtls: { srtp?: unknown },
  addon: NativeAddon | null = native,
): void {
  const session = dtls.srtp as WeriftSrtpSession | undefined;
  const keys = session?.remoteContext;
  if (!session || !keys || installed.has(session) || !SrtpReader.supports(keys, addon)) return;
  const reader = new SrtpReader(keys, addon);
  installed.set(session, reader);
  session.decrypt = (buf) => reader.decrypt(buf);
  session.decryptLength = (buf) => reader.decryptLength(buf);
}
