interface ObjectLike {
  shape: Record<string, unknown>;
  safeParse: (input: unknown) => { success: boolean; data?: unknown };
}

/** The zod object schema inside `schema`, through refinements, pipes and transforms. */
export function objectSchema(schema: unknown, depth = 0): ObjectLike | undefined {
  if (depth > 20 || typeof schema !== 'object' || schema === null) return undefined;
  const candidate = schema as {
    shape?: unknown;
    safeParse?: unknown;
    _zod?: { def?: Record<string, unknown> };
    _def?: Record<string, unknown>;
  };
  if (
    typeof candidate.shape === 'object' &&
    candidate.shape !== null &&
    typeof candidate.safeParse === 'function'
  ) {
    return candidate as ObjectLike;
  }
  const def = candidate._zod?.def ?? candidate._def;
  if (!def) return undefined;
  for (const key of ['in', 'innerType', 'schema']) {
    const found = objectSchema(def[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The variable names a zod object schema accepts. */
export function schemaKeys(schema: unknown): string[] | undefined {
  const found = objectSchema(schema);
  return found ? Object.keys(found.shape) : undefined;
}

/** The raw values the object schema gives an empty environment: its defaults, keyed by variable. */
export function schemaDefaults(schema: unknown): Record<string, unknown> | undefined {
  const result = objectSchema(schema)?.safeParse({});
  return result?.success ? (result.data as Record<string, unknown>) : undefined;
}
