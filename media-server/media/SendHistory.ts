import type { PayloadStore } from './PayloadStore';
import { payloadStore } from './PayloadStore';

/** Packets kept for NACK answers at most: ~2 s of 720p video. */
const CAPACITY = 512;
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
  /** Where the payload is in the store (−1: none), and its length. */
  readonly #ref = new Float64Array(CAPACITY).fill(-1);
  readonly #len = new Uint16Array(CAPACITY);
  readonly #seq = new Int32Array(CAPACITY).fill(-1);
  readonly #ts = new Uint32Array(CAPACITY);
  readonly #marker = new Uint8Array(CAPACITY);
  readonly #at = new Float64Array(CAPACITY);
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
    const slot = seq % CAPACITY;
    const maxAge = this.maxAgeMs;
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
    for (let n = 0; n < CAPACITY && s !== end; n++, s = (s + 1) & 0xffff) {
      const i = s % CAPACITY;
      if (this.#seq[i] !== s) continue; // reused by a newer packet, or never sent
      if ((this.#at[i] ?? 0) >= oldest) break;
      this.#ref[i] = -1;
      this.#seq[i] = -1;
    }
    this.#tail = s;
  }

  /** Packet `seq` if it is still kept and young enough at `nowMs` to be worth sending again. */
  get(seq: number, nowMs: number): SentPacket | undefined {
    const i = seq % CAPACITY;
    if (this.#seq[i] !== seq || (this.#at[i] ?? 0) < nowMs - this.maxAgeMs) return undefined;
    const payload = this.#store.get(this.#ref[i] ?? -1, this.#len[i] ?? 0);
    if (!payload) return undefined;
    return { payload, ts: this.#ts[i] ?? 0, marker: this.#marker[i] === 1 };
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
