/**
 * Bytes per chunk: any UDP payload (≤ 65,507 bytes) fits in one, and a chunk is large enough
 * that a few of them hold a second of a room's video.
 */
const CHUNK = 0x10000;

interface Chunk {
  readonly buf: Buffer;
  /** Numbers every use of a chunk: a reference names a serial, so a recycled chunk is not read. */
  serial: number;
  /** When the last of its payloads may be dropped (the callers' clock, ms). */
  until: number;
}

/**
 * The payloads that sinks keep to answer NACKs (SendHistory.ts), copied once per source packet
 * into a few 64 KiB chunks instead of each history holding the datagram's own Buffer.
 *
 * Why (issue 15, memory): a history keeps a packet ~1 s, long enough for V8 to promote the
 * datagram's Buffer objects to the old space, where they and their backing stores (one malloc
 * per datagram) stay until the next mark-compact: ~4 MB of ArrayBuffers and the old space's
 * garbage at N = 8. Copied here, the datagram dies young; the chunks are reused, oldest first,
 * once everything in them has expired.
 *
 * A packet fanned out to several sinks reaches them as one Buffer, one after another: handed
 * again (the same object), it is not copied again. That relies on what the history relied on
 * when it kept the Buffer itself: a payload is not changed after it was sent.
 */
export class PayloadStore {
  /** Oldest first; their serials are consecutive, the last one is being written. */
  readonly #chunks: Chunk[] = [];
  #used = CHUNK;
  #serial = 0;
  #last: Buffer | undefined;
  #lastRef = -1;

  /**
   * Copies `payload` (unless it is the one kept last) and keeps it until `untilMs` has passed;
   * returns its reference for `get` (−1: not kept). `nowMs` is the callers' clock: chunks whose payloads all
   * expired before it are reused (a history that asks at a later time finds its packet too old
   * itself, so nothing it may send again is overwritten).
   */
  keep(payload: Buffer, nowMs: number, untilMs: number): number {
    const chunks = this.#chunks;
    if (payload === this.#last) {
      const cur = chunks[chunks.length - 1];
      if (cur && untilMs > cur.until) cur.until = untilMs;
      return this.#lastRef;
    }
    const len = payload.length;
    if (len > CHUNK) return -1; // not a UDP payload: nothing to answer a NACK with
    let cur = chunks[chunks.length - 1];
    if (!cur || this.#used + len > CHUNK) {
      cur = this.#next(nowMs);
      this.#used = 0;
    }
    payload.copy(cur.buf, this.#used);
    const ref = cur.serial * CHUNK + this.#used;
    this.#used += len;
    if (untilMs > cur.until) cur.until = untilMs;
    this.#last = payload;
    this.#lastRef = ref;
    return ref;
  }

  /** The `length` bytes kept at `ref` (a view, valid until the next `keep`), if still kept. */
  get(ref: number, length: number): Buffer | undefined {
    const first = this.#chunks[0];
    if (!first || ref < 0) return undefined;
    const serial = Math.floor(ref / CHUNK);
    const chunk = this.#chunks[serial - first.serial];
    if (!chunk || chunk.serial !== serial) return undefined;
    const at = ref - serial * CHUNK;
    return chunk.buf.subarray(at, at + length);
  }

  /** Memory held (tests, leak checks). */
  get bytes(): number {
    return this.#chunks.length * CHUNK;
  }

  /**
   * The chunk to write into next: the oldest when all its payloads expired (and the one after it
   * is freed too when that one also expired, so the store shrinks when the load does), else a
   * new one. Chunks leave only from the front and come only at the back, so the serials stay
   * consecutive and `get` finds a chunk by its serial's distance from the first.
   */
  #next(nowMs: number): Chunk {
    const chunks = this.#chunks;
    const serial = ++this.#serial;
    const oldest = chunks[0];
    if (oldest && oldest.until < nowMs) {
      chunks.shift();
      const spare = chunks[0];
      if (spare && spare.until < nowMs) chunks.shift();
      oldest.serial = serial;
      oldest.until = 0;
      chunks.push(oldest);
      return oldest;
    }
    const chunk: Chunk = { buf: Buffer.allocUnsafeSlow(CHUNK), serial, until: 0 };
    chunks.push(chunk);
    return chunk;
  }
}

/** The media server's store: one for every sink of the process (one JS thread). */
export const payloadStore = new PayloadStore();
