/** The variable names a zod object schema accepts, through refinements, pipes and transforms. */
export function schemaKeys(schema: unknown, depth = 0): string[] | undefined {
  if (depth > 20 || typeof schema !== 'object' || schema === null) return undefined;
  const candidate = schema as {
    shape?: unknown;
    _zod?: { def?: Record<string, unknown> };
    _def?: Record<string, unknown>;
  };
  if (typeof candidate.shape === 'object' && candidate.shape !== null) {
    return Object.keys(candidate.shape);
  }
  const def = candidate._zod?.def ?? candidate._def;
  if (!def) return undefined;
  for (const key of ['in', 'innerType', 'schema']) {
    const found = schemaKeys(def[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}
