import { Errors } from '../rpc/errors';

/** JSON value as it arrives in `operationParams` / `constructorParams`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed readers for operation parameters. A missing or ill-typed parameter answers KMS's
 * MARSHALL_ERROR (40001) with the parameter's name, as the generated KMS invoke code does.
 */
export class Params {
  constructor(private readonly raw: JsonObject) {}

  get count(): number {
    return Object.keys(this.raw).length;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string {
    const v = this.raw[name];
    if (v === undefined || v === null) throw Errors.marshall(`'${name}' parameter is required`);
    if (typeof v !== 'string') throw Errors.marshall(`'${name}' parameter should be a string`);
    return v;
  }

  /**
   * A MediaObject parameter: its id. kurento-client 7.2 sends some (DispatcherOneToMany's
   * `setSource`, whose type check is commented out) as the serialized object; take its `id`.
   */
  objectRef(name: string): string {
    const v = this.raw[name];
    if (isJsonObject(v) && typeof v['id'] === 'string') return v['id'];
    return this.string(name);
  }

  optString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  int(name: string): number {
    const v = this.raw[name];
    if (v === undefined || v === null) throw Errors.marshall(`'${name}' parameter is required`);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw Errors.marshall(`'${name}' parameter should be an integer`);
    }
    return v;
  }

  optInt(name: string): number | undefined {
    return this.has(name) ? this.int(name) : undefined;
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    if (typeof v !== 'boolean') throw Errors.marshall(`'${name}' parameter should be a boolean`);
    return v;
  }

  optBool(name: string): boolean | undefined {
    return this.has(name) ? this.bool(name) : undefined;
  }

  object(name: string): JsonObject {
    const v = this.raw[name];
    if (v === undefined || v === null) throw Errors.marshall(`'${name}' parameter is required`);
    if (!isJsonObject(v)) throw Errors.marshall(`'${name}' parameter should be an object`);
    return v;
  }

  optObject(name: string): JsonObject | undefined {
    return this.has(name) ? this.object(name) : undefined;
  }

  /** One of a Kurento enum's string values. */
  optEnum<T extends string>(name: string, values: readonly T[]): T | undefined {
    if (!this.has(name)) return undefined;
    const v = this.string(name);
    if (!(values as readonly string[]).includes(v)) {
      throw Errors.marshall(`'${name}' parameter should be one of ${values.join(', ')}`);
    }
    return v as T;
  }
}
