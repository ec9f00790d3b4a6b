/**
 * Errors in the shape KMS sends them. `code` and `data.type` follow KurentoException.hpp, and the
 * messages follow KMS's wording where kurento-client or apps might match on them.
 */
export class KurentoError extends Error {
  readonly code: number;
  readonly type: string | undefined;

  constructor(code: number, message: string, type?: string) {
    super(message);
    this.code = code;
    this.type = type;
  }

  toJson(): { code: number; message: string; data?: { type: string } } {
    return this.type === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: { type: this.type } };
  }
}

const kms = (code: number, type: string) => (message: string) =>
  new KurentoError(code, message, type);

export const Errors = {
  parse: () => new KurentoError(-32700, 'Parse error.'),
  invalidRequest: (message = 'Invalid request.') => new KurentoError(-32600, message),
  methodNotFound: () => new KurentoError(-32601, 'Method not found.'),
  /** JSON-RPC level parameter problems (`object`, `type`, `operation`…), as JsonRpcUtils.cpp words them. */
  serverParam: (message: string) => new KurentoError(-32000, message),
  marshall: kms(40001, 'MARSHALL_ERROR'),
  unexpected: kms(40003, 'UNEXPECTED_ERROR'),
  connect: kms(40004, 'CONNECT_ERROR'),
  unsupportedMediaType: kms(40005, 'UNSUPPORTED_MEDIA_TYPE'),
  notImplemented: kms(40006, 'NOT_IMPLEMENTED'),
  invalidSession: () => new KurentoError(40007, 'Invalid session', 'INVALID_SESSION'),
  malformedTransaction: kms(40008, 'MALFORMED_TRANSACTION'),
  notEnoughResources: kms(40009, 'NOT_ENOUGH_RESOURCES'),
  objectNotFound: (id: string) =>
    new KurentoError(40101, `Object '${id}' not found`, 'MEDIA_OBJECT_NOT_FOUND'),
  eventNotSupported: (event: string) =>
    new KurentoError(40106, `Event '${event}' not supported`, 'MEDIA_OBJECT_EVENT_NOT_SUPPORTED'),
  illegalParam: kms(40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR'),
  factoryNotFound: (type: string) =>
    new KurentoError(40108, `Factory '${type}' not found`, 'MEDIA_OBJECT_NOT_AVAILABLE'),
  operationNotSupported: kms(40111, 'MEDIA_OBJECT_OPERATION_NOT_SUPPORTED'),
  sdpParse: kms(40201, 'SDP_PARSE_ERROR'),
  noLocalSdp: kms(40202, 'SDP_END_POINT_NO_LOCAL_SDP_ERROR'),
  noRemoteSdp: kms(40203, 'SDP_END_POINT_NO_REMOTE_SDP_ERROR'),
  generateOffer: kms(40204, 'SDP_END_POINT_GENERATE_OFFER_ERROR'),
  processOffer: kms(40205, 'SDP_END_POINT_PROCESS_OFFER_ERROR'),
  processAnswer: kms(40206, 'SDP_END_POINT_PROCESS_ANSWER_ERROR'),
  alreadyNegotiated: kms(40208, 'SDP_END_POINT_ALREADY_NEGOTIATED'),
  notOfferGenerated: kms(40209, 'SDP_END_POINT_NOT_OFFER_GENERATED'),
  iceGather: kms(40400, 'ICE_GATHER_CANDIDATES_ERROR'),
  iceAddCandidate: kms(40401, 'ICE_ADD_CANDIDATE_ERROR'),
  /** KMS's generated invoke() falls through to MediaObject and reports this for unknown operations. */
  unknownOperation: (operation: string, paramCount: number) =>
    new KurentoError(
      40008,
      `Method '${operation}' with ${paramCount} parameters not found`,
      'MALFORMED_TRANSACTION',
    ),
} as const;

export function toKurentoError(err: unknown): KurentoError {
  if (err instanceof KurentoError) return err;
  // Internal messages are not echoed to clients: they could leak paths or state.
  return Errors.unexpected('Unexpected error');
}
