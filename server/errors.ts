import { ErrorCode } from '../lib/protocol';
import type { ProtocolError } from '../lib/protocol';
import { KurentoCode, KurentoError } from './kurento/errors';

/** An error whose code and message may be shown to the client as they are. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  toProtocol(): ProtocolError {
    return { code: this.code, message: this.message };
  }
}

/**
 * Maps a media-server failure to what the client is told. `operation` names the request step
 * (`processOffer` failures are the client's SDP; anything else is the server's problem).
 */
export function fromKurentoError(error: KurentoError): AppError {
  switch (error.kind) {
    case 'unavailable': {
      return new AppError(
        ErrorCode.MediaServerUnavailable,
        'The media server is not available right now; try again in a moment.',
        { cause: error },
      );
    }
    case 'released': {
      return new AppError(ErrorCode.NotInRoom, 'The call ended while the request ran.', {
        cause: error,
      });
    }
    case 'rejected':
    case 'bad-result': {
      if (error.code === KurentoCode.SdpAlreadyNegotiated) {
        return new AppError(
          ErrorCode.AlreadyNegotiated,
          'This connection was already negotiated; open a new one instead.',
          { cause: error },
        );
      }
      if (error.operation === 'processOffer') {
        return new AppError(
          ErrorCode.InvalidSdp,
          'The media server could not use this SDP offer.',
          {
            cause: error,
          },
        );
      }
      return new AppError(ErrorCode.MediaError, 'The media server failed to handle the request.', {
        cause: error,
      });
    }
    default: {
      const unreachable: never = error.kind;
      throw new Error(`unknown KurentoError kind ${String(unreachable)}`);
    }
  }
}

/** Any thrown value → an `AppError` (internal errors get a generic message; details go to the log). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof KurentoError) return fromKurentoError(error);
  return new AppError(ErrorCode.Internal, 'Something went wrong on the server.', { cause: error });
}

export function assertUnreachable(what: string, value: never): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
