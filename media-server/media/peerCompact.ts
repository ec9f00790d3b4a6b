/**
 * Node hands out small `Buffer.allocUnsafe`/`Buffer.concat`/`Buffer.from` results as views of a
 * shared 8 KB slab, and a slab lives as long as any view of it. A DTLS handshake leaves dozens of
 * small buffers that werift keeps for the connection's life (the handshake messages it hashes for
 * a retransmitted Finished, the master secret, the exported SRTP keys, werift's SRTP contexts'
 * session keys), each pinning the slab it was cut from: ~230 slabs, 1.8 MB in a room of 8, for
 * ~60 KB of bytes (heap snapshot, bench/RESULTS.md, issue 15, session 12, mem).
 *
 * Once a transport is connected, `compactPoolViews` copies the pool views reachable from it into
 * one buffer of their own and points the same properties at the copies, so the slabs can go.
 * The bytes and every property's value are the same; a buffer reached twice gets one copy, so
 * aliases stay aliases among what is reached. werift does not write into these after the
 * handshake (keys, secrets and received messages are read only).
 */

/** Objects not to walk into: they hold no key material, and they lead to the whole process. */
const SKIP_KEYS = new Set(['iceTransport', 'transport', 'socket', 'connection', 'onData']);
const MAX_DEPTH = 10;
const MAX_OBJECTS = 5000;

interface Slot {
  owner: Record<string | number, unknown>;
  key: string | number;
  view: Buffer;
}

/** A small view of a Buffer-pool-sized slab it does not fill. */
function isPoolView(v: unknown): v is Buffer {
  return (
    Buffer.isBuffer(v) &&
    v.buffer.byteLength === Buffer.poolSize &&
    v.byteLength < v.buffer.byteLength
  );
}

function writable(owner: object, key: string): boolean {
  const d = Object.getOwnPropertyDescriptor(owner, key);
  return d !== undefined && 'value' in d && d.writable === true;
}

/** Collects the pool views reachable from `root` through plain properties and arrays. */
function collect(root: object): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<object>([root]);
  let level: object[] = [root];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: object[] = [];
    for (const owner of level) {
      const o = owner as Record<string | number, unknown>;
      const keys: (string | number)[] = Array.isArray(owner)
        ? owner.map((_, i) => i)
        : Object.keys(owner);
      for (const key of keys) {
        if (typeof key === 'string' && SKIP_KEYS.has(key)) continue;
        const v = o[key];
        if (isPoolView(v)) {
          if (typeof key === 'number' || writable(owner, key))
            slots.push({ owner: o, key, view: v });
        } else if (
          typeof v === 'object' &&
          v !== null &&
          !ArrayBuffer.isView(v) &&
          !(v instanceof ArrayBuffer) &&
          !seen.has(v) &&
          seen.size < MAX_OBJECTS
        ) {
          seen.add(v);
          next.push(v);
        }
      }
    }
    level = next;
  }
  return slots;
}

/**
 * Copies the pool views reachable from `root` (not through `SKIP_KEYS`) into one new buffer and
 * stores the copies where the views were. Returns the number of distinct buffers copied.
 */
export function compactPoolViews(root: object): number {
  const slots = collect(root);
  if (slots.length === 0) return 0;
  const copies = new Map<Buffer, Buffer>();
  let total = 0;
  for (const s of slots) {
    if (!copies.has(s.view)) {
      copies.set(s.view, s.view);
      total += s.view.byteLength;
    }
  }
  const into = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const view of copies.keys()) {
    view.copy(into, at);
    copies.set(view, into.subarray(at, at + view.byteLength));
    at += view.byteLength;
  }
  for (const s of slots) s.owner[s.key] = copies.get(s.view);
  return copies.size;
}
