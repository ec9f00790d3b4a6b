import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader } from 'werift';

import { parseRtpHeader, weriftParseRtpHeader } from './media/fastRtpHeader';

function plain(h: RtpHeader): Record<string, unknown> {
  return {
    ...h,
    extensions: h.extensions.map((e) => ({
      id: e.id,
      payload: Buffer.from(e.payload).toString('hex'),
    })),
  };
}

function outcome(parse: (b: Buffer) => RtpHeader, b: Buffer): unknown {
  try {
    return plain(parse(b));
  } catch {
    // werift's callers turn any parse error into an authentication error (srtp/packet.js).
    return { threw: true };
  }
}

/** An RTP packet as publishers send them: CSRCs, one- or two-byte extensions, padding. */
function packet(i: number): Buffer {
  const cc = i % 3;
  const ext = i % 4;
  const parts: Buffer[] = [];
  const head = randomBytes(12);
  head[0] = 0x80 | (i % 5 === 0 ? 0x20 : 0) | (ext > 0 ? 0x10 : 0) | cc;
  parts.push(head, randomBytes(4 * cc));
  if (ext === 1) {
    // one-byte: mid (id 1, 2 bytes), abs-send-time (id 3, 3 bytes), a padding byte
    parts.push(
      Buffer.from([0xbe, 0xde, 0x00, 0x03, 0x11, 0x61, 0x62, 0x32, 1, 2, 3, 0, 0, 0, 0, 0]),
    );
  } else if (ext === 2) {
    parts.push(Buffer.from([0x10, 0x00, 0x00, 0x02, 0x05, 0x03, 9, 8, 7, 0x00, 0x00, 0x00]));
  } else if (ext === 3) {
    parts.push(Buffer.from([0x12, 0x34, 0x00, 0x01, 1, 2, 3, 4]));
  }
  parts.push(randomBytes(20 + (i % 50)));
  if (i % 5 === 0) parts.push(Buffer.from([0, 0, 3]));
  return Buffer.concat(parts);
}

describe('fast RTP header parse', () => {
  it('gives exactly what werift gives for well-formed packets', () => {
    for (let i = 0; i < 2000; i++) {
      const b = packet(i);
      const fast = parseRtpHeader(b);
      expect(fast).toBeInstanceOf(RtpHeader);
      expect(plain(fast)).toEqual(plain(weriftParseRtpHeader(b)));
      expect(Object.keys(fast)).toEqual(Object.keys(weriftParseRtpHeader(b)));
    }
  });

  it('gives what werift gives (or throws where it throws) for truncated and random bytes', () => {
    for (let i = 0; i < 3000; i++) {
      const full = i % 2 === 0 ? packet(i) : randomBytes(4 + (i % 40));
      if (i % 2 === 1) full[0] = ((full[0] ?? 0) & 0x3f) | 0x80;
      const b = full.subarray(0, Math.max(0, full.length - (i % 17)));
      expect(outcome(parseRtpHeader, b)).toEqual(outcome(weriftParseRtpHeader, b));
    }
  });
});
