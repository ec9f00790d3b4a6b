/** Why a media-server call failed, independent of how the signaling layer reports it. */
export type KurentoErrorKind =
  /** No connection to the media server (never connected, lost, or closed). */
  | 'unavailable'
  /** The media server answered with an error (`code` is Kurento's, e.g. 40208). */
  | 'rejected'
  /** The media server answered, but not with what the operation promises (e.g. `undefined` for an SDP). */
  | 'bad-result'
  /** The object was released (or its pipeline was) before the call. */
  | 'released';

export class KurentoError extends Error {
  override readonly name = 'KurentoError';
  readonly kind: KurentoErrorKind;
  readonly operation: string;
  /** Kurento's numeric error code when the server sent one. */
  readonly code: number | undefined;

  constructor(
    kind: KurentoErrorKind,
    operation: string,
    message: string,
    options: { code?: number; cause?: unknown } = {},
  ) {
    super(`${operation}: ${message}`, { cause: options.cause });
    this.kind = kind;
    this.operation = operation;
    this.code = options.code;
  }
}

/** Kurento error codes the signaling layer branches on (shared/kurento-protocol.md §1.13). */
export const KurentoCode = {
  MediaObjectNotFound: 40101,
  SdpCreateError: 40200,
  SdpParseError: 40201,
  SdpProcessOfferError: 40205,
  SdpAlreadyNegotiated: 40208,
} as const;
