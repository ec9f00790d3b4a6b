import type { TurnServer } from './media/config';

/** Options of startMediaServer(); every field has a CLI flag and an env var (see README). */
export interface MediaServerOptions {
  host?: string;
  port?: number;
  minPort?: number;
  maxPort?: number;
  announcedIp?: string;
  iceAddresses?: string[];
  stun?: string[];
  /** `user:password@host:port[?transport=udp|tcp]`, optionally prefixed with `turn:`. */
  turn?: string[];
  accessToken?: string;
  logLevel?: string;
  /** Frames above this size get a JSON-RPC error (default 1 MiB). */
  maxFrameBytes?: number;
  /** Sessions without a socket for this long lose their objects (default 240 s, as KMS). */
  sessionGcMs?: number;
  /** RecorderEndpoint/PlayerEndpoint URIs must be file:// inside it (default ./recordings). */
  recordingsDir?: string;
}

export interface FlagSpec {
  flag: string;
  env: string;
  key: keyof MediaServerOptions;
  kind: 'string' | 'int' | 'list';
  help: string;
}

export const FLAGS: readonly FlagSpec[] = [
  {
    flag: '--host',
    env: 'MEDIA_SERVER_HOST',
    key: 'host',
    kind: 'string',
    help: 'bind address (127.0.0.1)',
  },
  {
    flag: '--port',
    env: 'MEDIA_SERVER_PORT',
    key: 'port',
    kind: 'int',
    help: 'WebSocket port (8888; 0 = any free port)',
  },
  {
    flag: '--min-port',
    env: 'MEDIA_MIN_PORT',
    key: 'minPort',
    kind: 'int',
    help: 'lowest UDP port for media',
  },
  {
    flag: '--max-port',
    env: 'MEDIA_MAX_PORT',
    key: 'maxPort',
    kind: 'int',
    help: 'highest UDP port for media',
  },
  {
    flag: '--announced-ip',
    env: 'MEDIA_ANNOUNCED_IP',
    key: 'announcedIp',
    kind: 'string',
    help: 'public IP put in host candidates (NAT, Docker)',
  },
  {
    flag: '--ice-addresses',
    env: 'MEDIA_ICE_ADDRESSES',
    key: 'iceAddresses',
    kind: 'list',
    help: 'comma list: only these local addresses carry media',
  },
  {
    flag: '--stun',
    env: 'MEDIA_STUN',
    key: 'stun',
    kind: 'list',
    help: 'comma list of STUN servers host:port',
  },
  {
    flag: '--turn',
    env: 'MEDIA_TURN',
    key: 'turn',
    kind: 'list',
    help: 'comma list of TURN servers user:pass@host:port[?transport=udp]',
  },
  {
    flag: '--access-token',
    env: 'MEDIA_ACCESS_TOKEN',
    key: 'accessToken',
    kind: 'string',
    help: 'required ?access_token= on the WebSocket URL',
  },
  {
    flag: '--log-level',
    env: 'MEDIA_LOG_LEVEL',
    key: 'logLevel',
    kind: 'string',
    help: 'pino level (info)',
  },
  {
    flag: '--max-frame-bytes',
    env: 'MEDIA_MAX_FRAME_BYTES',
    key: 'maxFrameBytes',
    kind: 'int',
    help: 'largest JSON-RPC frame accepted (1048576)',
  },
  {
    flag: '--session-gc-ms',
    env: 'MEDIA_SESSION_GC_MS',
    key: 'sessionGcMs',
    kind: 'int',
    help: 'release objects of sessions without a socket after this (240000)',
  },
  {
    flag: '--recordings-dir',
    env: 'MEDIA_RECORDINGS_DIR',
    key: 'recordingsDir',
    kind: 'string',
    help: 'recorder/player file:// URIs must be inside it (./recordings)',
  },
];

export class ConfigError extends Error {}

function convert(spec: FlagSpec, raw: string): string | number | string[] {
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0)
        throw new ConfigError(`${spec.flag}: not a non-negative integer: ${raw}`);
      return n;
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'string':
      return raw;
  }
}

/** Reads options from env vars, then flags (`--x value` or `--x=value`), flags winning. */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): MediaServerOptions {
  const out: Record<string, string | number | string[]> = {};
  for (const spec of FLAGS) {
    const v = env[spec.env];
    if (v !== undefined && v !== '') out[spec.key] = convert(spec, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const spec = FLAGS.find((f) => f.flag === name);
    if (!spec) throw new ConfigError(`unknown option ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    out[spec.key] = convert(spec, value);
  }
  return out as MediaServerOptions;
}

export function parseTurn(spec: string): TurnServer {
  const m = /^(?:turns?:)?([^:@]+):([^@]+)@([^?]+)(\?transport=(udp|tcp|tls))?$/.exec(spec);
  if (!m) throw new ConfigError(`--turn: expected user:password@host:port, got ${spec}`);
  const scheme = m[5] === 'tls' ? 'turns' : 'turn';
  return {
    url: `${scheme}:${m[3]}${m[5] && m[5] !== 'tls' ? `?transport=${m[5]}` : ''}`,
    username: decodeURIComponent(m[1] ?? ''),
    credential: decodeURIComponent(m[2] ?? ''),
  };
}
