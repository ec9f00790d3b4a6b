/**
 * The probe every synthetic RTP payload carries, so that a subscriber knows who sent a packet, its
 * place in the sender's stream and when it left (CLOCK_MONOTONIC, shared by every process on the
 * machine, so send and receive times from different processes compare directly).
 */
export const PROBE_MAGIC = 0x4d4f494d; // "MOIM"
export const PROBE_SIZE = 20;

export const enum StreamKind {
  Video = 0,
  Audio = 1,
}

export interface Probe {
  publisher: number;
  kind: StreamKind;
  seq: number;
  sentNs: bigint;
}

export function writeProbe(buf: Buffer, offset: number, p: Probe): void {
  buf.writeUInt32BE(PROBE_MAGIC, offset);
  buf.writeUInt16BE(p.publisher, offset + 4);
  buf.writeUInt8(p.kind, offset + 6);
  buf.writeUInt8(0, offset + 7);
  buf.writeUInt32BE(p.seq >>> 0, offset + 8);
  buf.writeBigUInt64BE(p.sentNs, offset + 12);
}

/** Finds the probe at `hint` or, if the payload was shifted, in its first 64 bytes. */
export function readProbe(payload: Buffer, hint: number): Probe | undefined {
  const at = (o: number): Probe | undefined =>
    o + PROBE_SIZE <= payload.length && payload.readUInt32BE(o) === PROBE_MAGIC
      ? {
          publisher: payload.readUInt16BE(o + 4),
          kind: payload.readUInt8(o + 6) === 1 ? StreamKind.Audio : StreamKind.Video,
          seq: payload.readUInt32BE(o + 8),
          sentNs: payload.readBigUInt64BE(o + 12),
        }
      : undefined;
  const direct = at(hint);
  if (direct) return direct;
  for (let o = 0; o + PROBE_SIZE <= Math.min(payload.length, 64 + PROBE_SIZE); o++) {
    const p = at(o);
    if (p) return p;
  }
  return undefined;
}

export const nowNs = (): bigint => process.hrtime.bigint();
