import type { ProtocolError } from '../protocol';

/** A request the server refused (its error code) or that never got an answer. */
export class CallRequestError extends Error {
  readonly code: string;

  constructor(error: ProtocolError | { code: string; message: string }) {
    super(error.message);
    this.name = 'CallRequestError';
    this.code = error.code;
  }
}

export function toCallError(error: unknown): { code: string; message: string } {
  if (error instanceof CallRequestError) return { code: error.code, message: error.message };
  if (error instanceof Error && error.message.includes('timed out')) {
    return { code: 'TIMEOUT', message: 'The server did not answer in time. Try again.' };
  }
  return { code: 'INTERNAL', message: 'Something went wrong while joining the call.' };
}
