import type { PayloadStore } from './PayloadStore';
import { payloadStore } from './PayloadStore';

/** Packets kept for NACK answers at most: ~2 s of 720p video. */
const CAPACITY = 512;
/**
 * Slots to start with. A ring grows (doubling, up to CAPACITY) only when a packet would replace
 * one young enough to be asked for: ~1.8 s at 70 packets/s fits 128, where 512 slots of every
 * video sink were 14 KB each (56 of them in a room of 8; bench/RESULTS.md, issue 15, session 14).
 */
const FIRST_CAPACITY = 64;
/**
 * …and for at most this long, or ten round trips when those take longer: Chromium asks for a
 * lost packet again after each round trip, ten times at most, so an older one is not asked for.
 * At 70 packets/s the count alone kept ~7 s of every video source alive (memory, issue 15).
 */
const MAX_AGE_MS = 1000;
const MAX_AGE_RTTS = 10;

export interface SentPacket {
  payload: Buffer;
  ts: number;
  marker: boolean;
}

/**
 * What one sink sent lately, by output sequence number (modulo CAPACITY, which divides 2^16, so
 * the ring stays aligned across a wrap), to answer NACKs. Times are the caller's clock in ms.
 * The payloads themselves are copied into `store` (PayloadStore.ts: once per source packet for
 * all the sinks it goes to), kept there as long as this history may ask for them; a slot holds
 * their reference, not the Buffer.
 */
export class SendHistory {
  readonly #store: PayloadStore;
  /** Slots now: a power of two, so `seq % cap` stays aligned across the 16-bit wrap. */
  #cap = FIRST_CAPACITY;
  /** Where the payload is in the store (−1: none), and its length. */
  #ref = new Float64Array(FIRST_CAPACITY).fill(-1);
  #len = new Uint16Array(FIRST_CAPACITY);
  #seq = new Int32Array(FIRST_CAPACITY).fill(-1);
  #ts = new Uint32Array(FIRST_CAPACITY);
  #marker = new Uint8Array(FIRST_CAPACITY);
  #at = new Float64Array(FIRST_CAPACITY);
  /** The oldest sequence number that may still hold a payload. */
  #tail: number;
  #rttMs = 0;

  constructor(firstSeq: number, store: PayloadStore = payloadStore) {
    this.#tail = firstSeq & 0xffff;
    this.#store = store;
  }

  /** Round trip of the last receiver report (RFC 3550 §6.4.1); undefined keeps the last one. */
  set rttMs(rtt: number | undefined) {
    if (rtt !== undefined) this.#rttMs = rtt;
  }

  get maxAgeMs(): number {
    return Math.max(MAX_AGE_MS, MAX_AGE_RTTS * this.#rttMs);
  }

  /** Records packet `seq` sent at `nowMs` and drops the payloads that are too old by then. */
  put(seq: number, ts: number, marker: boolean, payload: Buffer, nowMs: number): void {
    const maxAge = this.maxAgeMs;
    let slot = seq % this.#cap;
    // Grow while the slot holds a different packet that may still be asked for.
    for (
      let held = this.#seq[slot] ?? -1;
      held >= 0 && held !== seq && this.#cap < CAPACITY && (this.#at[slot] ?? 0) >= nowMs - maxAge;
      held = this.#seq[slot] ?? -1
    ) {
      this.#grow();
      slot = seq % this.#cap;
    }
    this.#ref[slot] = this.#store.keep(payload, nowMs, nowMs + maxAge);
    this.#len[slot] = payload.length;
    this.#seq[slot] = seq;
    this.#ts[slot] = ts;
    this.#marker[slot] = marker ? 1 : 0;
    this.#at[slot] = nowMs;
    // From the oldest towards `seq`: usually none or one per packet, the ring after a pause. A
    // late (reordered) packet behind the tail waits for its slot to be reused instead.
    const oldest = nowMs - maxAge;
    const end = (seq + 1) & 0xffff;
    let s = this.#tail;
    for (let n = 0; n < this.#cap && s !== end; n++, s = (s + 1) & 0xffff) {
      const i = s % this.#cap;
      if (this.#seq[i] !== s) continue; // reused by a newer packet, or never sent
      if ((this.#at[i] ?? 0) >= oldest) break;
      this.#ref[i] = -1;
      this.#seq[i] = -1;
    }
    this.#tail = s;
  }

  /** Packet `seq` if it is still kept and young enough at `nowMs` to be worth sending again. */
  get(seq: number, nowMs: number): SentPacket | undefined {
    const i = seq % this.#cap;
    if (this.#seq[i] !== seq || (this.#at[i] ?? 0) < nowMs - this.maxAgeMs) return undefined;
    const payload = this.#store.get(this.#ref[i] ?? -1, this.#len[i] ?? 0);
    if (!payload) return undefined;
    return { payload, ts: this.#ts[i] ?? 0, marker: this.#marker[i] === 1 };
  }

  /** Twice the slots, each kept packet moved to its slot in the larger ring. */
  #grow(): void {
    const cap = this.#cap * 2;
    const [ref, len, seq, ts, marker, at] = [
      this.#ref,
      this.#len,
      this.#seq,
      this.#ts,
      this.#marker,
      this.#at,
    ];
    this.#cap = cap;
    this.#ref = new Float64Array(cap).fill(-1);
    this.#len = new Uint16Array(cap);
    this.#seq = new Int32Array(cap).fill(-1);
    this.#ts = new Uint32Array(cap);
    this.#marker = new Uint8Array(cap);
    this.#at = new Float64Array(cap);
    for (let i = 0; i < seq.length; i++) {
      const s = seq[i] ?? -1;
      if (s < 0) continue;
      const j = s % cap;
      this.#ref[j] = ref[i] ?? -1;
      this.#len[j] = len[i] ?? 0;
      this.#seq[j] = s;
      this.#ts[j] = ts[i] ?? 0;
      this.#marker[j] = marker[i] ?? 0;
      this.#at[j] = at[i] ?? 0;
    }
  }

  /** Slots now (tests). */
  get capacity(): number {
    return this.#cap;
  }

  /** Payloads held now (tests, leak checks). */
  get size(): number {
    let n = 0;
    for (const r of this.#ref) if (r >= 0) n++;
    return n;
  }

  clear(): void {
    this.#ref.fill(-1);
    this.#seq.fill(-1);
  }
}
