import type { z } from 'zod';

import { ErrorCode } from '../../lib/protocol';
import { AppError } from '../errors';

/**
 * Parses an inbound payload; failures become BAD_REQUEST (or PAYLOAD_TOO_LARGE when a field is
 * over its size limit) with the first problem as the message. Zod strips unknown keys.
 */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = `${where}${issue?.message ?? 'invalid payload'}`;
  const tooBig = result.error.issues.some(
    (candidate) => candidate.code === 'too_big' && candidate.origin === 'string',
  );
  throw new AppError(tooBig ? ErrorCode.PayloadTooLarge : ErrorCode.BadRequest, message);
}
