import type { KurentoError } from './errors';
import { Errors } from './errors';
import type { Json, JsonObject } from '../objects/params';
import { isJsonObject } from '../objects/params';

export type RequestId = number | string;

export interface Request {
  method: string;
  params: JsonObject;
  /** undefined for notifications. */
  id: RequestId | undefined;
}

export type ParseResult =
  { ok: true; request: Request } | { ok: false; id: RequestId | null; error: KurentoError };

/** Validates one text frame as a JSON-RPC 2.0 request. */
export function parseFrame(text: string): ParseResult {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: Errors.parse() };
  }
  if (!isJsonObject(msg)) return { ok: false, id: null, error: Errors.invalidRequest() };
  const rawId = msg['id'];
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : undefined;
  if (rawId !== undefined && id === undefined) {
    return {
      ok: false,
      id: null,
      error: Errors.invalidRequest("'id' must be a number or a string"),
    };
  }
  if (msg['jsonrpc'] !== '2.0') {
    return { ok: false, id: id ?? null, error: Errors.invalidRequest('\'jsonrpc\' must be "2.0"') };
  }
  const method = msg['method'];
  if (typeof method !== 'string') {
    return { ok: false, id: id ?? null, error: Errors.invalidRequest("'method' must be a string") };
  }
  const params: Json | undefined = msg['params'];
  if (params !== undefined && !isJsonObject(params)) {
    return { ok: false, id: id ?? null, error: Errors.serverParam("'params' should be an object") };
  }
  return { ok: true, request: { method, params: params ?? {}, id } };
}

export function resultFrame(id: RequestId, result: JsonObject): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

export function errorFrame(id: RequestId | null, error: KurentoError): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: error.toJson() });
}
