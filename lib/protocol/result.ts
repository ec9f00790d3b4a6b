import type { ErrorCode, ProtocolError } from './errors';

/** Every request is answered through its Socket.IO acknowledgement with one of these. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message } };
}
