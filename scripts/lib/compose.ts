/**
 * Reading docker-compose files statically: YAML with Compose's merge tags, variable interpolation,
 * `environment` in map or list form, and port specs.
 */
import { parse, type Tags } from 'yaml';

/** Compose's `!reset` and `!override` merge tags (Compose 2.24+), kept as plain values here. */
const composeTags: Tags = [
  { tag: '!reset', collection: 'seq', resolve: (value) => value },
  { tag: '!reset', collection: 'map', resolve: (value) => value },
  { tag: '!reset', resolve: (value: string) => value },
  { tag: '!override', collection: 'seq', resolve: (value) => value },
  { tag: '!override', collection: 'map', resolve: (value) => value },
];

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown> | string[];
  ports?: unknown[];
  profiles?: string[];
  network_mode?: string;
  depends_on?: unknown;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export function parseCompose(text: string): ComposeFile {
  const value: unknown = parse(text, { customTags: composeTags, strict: true, uniqueKeys: true });
  if (typeof value !== 'object' || value === null || !('services' in value)) {
    throw new Error('a compose file needs a top-level `services` map');
  }
  const services = (value as { services: unknown }).services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) {
    throw new Error('`services` must be a map');
  }
  return value as ComposeFile;
}

/**
 * Compose interpolation: `$$` is a literal `$`; `${VAR}`, `${VAR:-default}` (default when unset or
 * empty), `${VAR-default}` (default when unset), `${VAR:?message}` / `${VAR?message}` (error), `$VAR`.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g,
    (
      match: string,
      braced: string | undefined,
      colon: string | undefined,
      op: string | undefined,
      operand: string | undefined,
      bare: string | undefined,
    ) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = vars[name];
      const missing = colon ? current === undefined || current === '' : current === undefined;
      if (op === '?' && missing) throw new Error(`${name}: ${operand || 'required'}`);
      if (op === '-' && missing) return operand ?? '';
      return current ?? '';
    },
  );
}

/** A service's `environment`, as a map of raw (not yet interpolated) strings. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const [key, ...rest] = String(item).split('=');
      if (key) env[key] = rest.join('=');
    }
  } else if (raw) {
    for (const [key, value] of Object.entries(raw)) env[key] = value === null ? '' : String(value);
  }
  return env;
}

export interface PortMapping {
  hostIp?: string;
  published?: { from: number; to: number };
  target: { from: number; to: number };
  protocol: 'tcp' | 'udp';
}

function range(text: string): { from: number; to: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new Error(`bad port or range: ${text}`);
  const from = Number(match[1]);
  return { from, to: match[2] ? Number(match[2]) : from };
}

/** Short syntax `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, after interpolation. */
export function parsePort(spec: string): PortMapping {
  const [address = '', protocol = 'tcp'] = spec.split('/');
  if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`bad protocol in ${spec}`);
  const parts = address.split(':');
  const target = range(parts.pop() ?? '');
  const published = parts.length > 0 ? range(parts.pop() ?? '') : undefined;
  const hostIp = parts.length > 0 ? parts.join(':') : undefined;
  return {
    target,
    protocol,
    ...(published ? { published } : {}),
    ...(hostIp ? { hostIp } : {}),
  };
}
