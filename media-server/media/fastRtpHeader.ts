import { RtpHeader } from 'werift';

/** RFC 8285 header extension profiles (werift's ExtensionProfiles). */
const ONE_BYTE = 0xbede;
const TWO_BYTE = 0x1000;

type Extension = RtpHeader['extensions'][number];

let installed = false;
let weriftDeserialize: ((raw: Buffer) => RtpHeader) | undefined;

/**
 * werift parses every incoming RTP header bit by bit (`getBit` on binary strings) into an object
 * whose constructor defines fifteen properties with `Object.defineProperty`: about a tenth of the
 * media server's CPU at small room sizes (bench:profile). This parses with byte operations into an
 * object of the same class, fields and values — including werift's results for malformed packets
 * (same reads, same bounds), so nothing downstream can tell (fastRtpHeader.test.ts compares both
 * on random and malformed input). Installed once, on the werift module the media server uses.
 */
export function installFastRtpHeaderParse(): void {
  if (installed) return;
  installed = true;
  weriftDeserialize = RtpHeader.deSerialize.bind(RtpHeader);
  RtpHeader.deSerialize = parseRtpHeader;
}

/** werift's own parser, for comparison in tests. */
export function weriftParseRtpHeader(raw: Buffer): RtpHeader {
  return (weriftDeserialize ?? RtpHeader.deSerialize.bind(RtpHeader))(raw);
}

export function parseRtpHeader(raw: Buffer): RtpHeader {
  const h = Object.create(RtpHeader.prototype) as RtpHeader;
  const b0 = raw[0] ?? 0;
  const b1 = raw[1];
  const cc = b0 & 0x0f;
  // Field order as werift's constructor defines them (same hidden class for all headers).
  h.version = b0 >> 6;
  h.padding = (b0 & 0x20) !== 0;
  h.paddingSize = 0;
  h.extension = (b0 & 0x10) !== 0;
  // werift reads a missing second byte as 0 bits (getBit(undefined)).
  h.marker = b1 !== undefined && (b1 & 0x80) !== 0;
  h.payloadOffset = 0;
  h.payloadType = b1 === undefined ? 0 : b1 & 0x7f;
  h.sequenceNumber = raw.readUInt16BE(2);
  h.timestamp = raw.readUInt32BE(4);
  h.ssrc = raw.readUInt32BE(8);
  h.csrcLength = cc;
  const csrc = new Array<number>(cc);
  for (let i = 0; i < cc; i++) csrc[i] = raw.readUInt32BE(12 + 4 * i);
  h.csrc = csrc;
  h.extensionProfile = ONE_BYTE;
  h.extensionLength = undefined;
  h.extensions = [];
  let at = 12 + 4 * cc;
  if (h.extension) {
    h.extensionProfile = raw.readUInt16BE(at) as RtpHeader['extensionProfile'];
    at += 2;
    const length = raw.readUInt16BE(at) * 4;
    h.extensionLength = length;
    at += 2;
    at = readExtensions(raw, at, length, h.extensionProfile, h.extensions);
  }
  h.payloadOffset = at;
  if (h.padding) h.paddingSize = raw[raw.length - 1] ?? 0;
  return h;
}

/** Appends the extensions to `out`; returns the offset after them (werift's walk, byte for byte). */
function readExtensions(
  raw: Buffer,
  start: number,
  length: number,
  profile: RtpHeader['extensionProfile'],
  out: Extension[],
): number {
  let at = start;
  const end = at + length;
  if (profile === ONE_BYTE) {
    while (at < end) {
      const b = raw[at];
      if (b === 0x00) {
        at++;
        continue;
      }
      // A byte past the end reads as undefined in werift: id 0, length 1.
      const id = b === undefined ? 0 : b >> 4;
      const len = (b === undefined ? 0 : b & 0x0f) + 1;
      at++;
      if (id === 0xf) break;
      out.push({ id, payload: raw.subarray(at, at + len) });
      at += len;
    }
    return at;
  }
  if (profile === TWO_BYTE) {
    while (at < end) {
      const id = raw[at];
      if (id === 0x00) {
        at++;
        continue;
      }
      at++;
      // Past the end werift reads undefined and computes with it (an empty payload, then NaN
      // ends the walk): the same arithmetic, on purpose.
      const len = raw[at] as number;
      at++;
      out.push({ id: id as number, payload: raw.subarray(at, at + len) });
      at += len;
    }
    return at;
  }
  const payload = raw.subarray(at, at + length);
  out.push({ id: 0, payload });
  return at + payload.length;
}

/**
 * Where the payload starts and werift's `serializeSize` of the header in `raw`'s first `n` bytes (what receive
 * statistics count as header bytes), without building the header: the values `parseRtpHeader`
 * gives for a well-formed header (CSRCs, a one- or two-byte extension block that its elements
 * fill exactly). −1 for anything else (short, an element past the block, id 15, another
 * profile): the caller then takes werift's own parse, whose results for such packets are odd.
 * The size is in `sizes.header` (module scratch: no object per packet).
 */
export const sizes = { header: 0 };

export function rtpPayloadOffset(raw: Buffer, n = raw.length): number {
  const b0 = raw[0] ?? 0;
  const start = 12 + 4 * (b0 & 0x0f);
  if (start > n) return -1;
  if ((b0 & 0x10) === 0) {
    sizes.header = start;
    return start;
  }
  if (start + 4 > n) return -1;
  const profile = raw.readUInt16BE(start);
  let at = start + 4;
  const end = at + raw.readUInt16BE(start + 2) * 4;
  if (end > n) return -1;
  let ext = 4;
  if (profile === ONE_BYTE) {
    while (at < end) {
      const b = raw[at] as number;
      if (b === 0) {
        at++;
        continue;
      }
      const len = (b & 0x0f) + 1;
      if (b >> 4 === 0xf || at + 1 + len > end) return -1;
      ext += 1 + len;
      at += 1 + len;
    }
  } else if (profile === TWO_BYTE) {
    while (at < end) {
      if (raw[at] === 0) {
        at++;
        continue;
      }
      if (at + 2 > end) return -1;
      const len = raw[at + 1] as number;
      if (at + 2 + len > end) return -1;
      ext += 2 + len;
      at += 2 + len;
    }
  } else {
    return -1;
  }
  sizes.header = start + Math.floor((ext + 3) / 4) * 4;
  return end;
}
