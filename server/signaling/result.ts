import { ErrorCode, fail, ok } from '../../lib/protocol';
import type { Result } from '../../lib/protocol';
import { toAppError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** Turns a request's outcome into its acknowledgement, logging and counting failures. */
export function toResult<T>(
  outcome: { ok: true; value: T } | { ok: false; error: unknown },
  context: { logger: Logger; metrics: Metrics; event: string },
): Result<T> {
  if (outcome.ok) return ok(outcome.value);
  const error = toAppError(outcome.error);
  context.metrics.error(error.code);
  const level = error.code === ErrorCode.Internal ? 'error' : 'debug';
  context.logger[level](
    { err: outcome.error, code: error.code, event: context.event, dir: 'out' },
    'request failed',
  );
  return fail(error.code, error.message);
}
