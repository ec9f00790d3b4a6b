import path from 'node:path';
import { availableParallelism } from 'node:os';

import { z } from 'zod';

import type { IceServerConfig } from '../lib/protocol';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An empty string in the environment means "unset". */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const commaList = optionalString.transform((value) =>
  value === undefined
    ? []
    : value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
);

const port = z.coerce.number().int().min(0).max(65_535);

const iceServerSchema = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const iceServersJson = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'ICE_SERVERS must be a JSON array' });
    return z.NEVER;
  }
  const result = z.array(iceServerSchema).safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({ code: 'custom', message: `ICE_SERVERS: ${z.prettifyError(result.error)}` });
    return z.NEVER;
  }
  return result.data;
});

const wsUrls = commaList.pipe(
  z.array(
    z
      .string()
      .regex(/^wss?:\/\/.+/, 'must be ws:// or wss:// URLs, e.g. ws://127.0.0.1:8888/kurento'),
  ),
);

const origins = commaList.pipe(
  z.array(
    z
      .url()
      .refine((url) => new URL(url).origin === url.replace(/\/$/, ''), {
        message: 'must be origins (scheme://host[:port]), e.g. https://intranet.example.com',
      })
      .transform((url) => new URL(url).origin),
  ),
);

/** CSP `frame-ancestors` sources: `'self'`, `'none'` or origins such as https://*.example.com. */
const frameAncestors = commaList.pipe(
  z.array(
    z
      .string()
      .regex(
        /^('self'|'none'|https?:\/\/[a-z0-9*.-]+(:\d+)?)$/i,
        "must be 'self', 'none' or origins such as https://app.example.com",
      ),
  ),
);

/** A directory path (no NUL byte, which no file system takes). */
const directory = z.string().refine((value) => !value.includes('\0'), 'must be a directory path');

const booleanFlag = optionalString.pipe(z.enum(['true', 'false', '1', '0']).optional());

const rawEnvSchema = z.object({
  NODE_ENV: optionalString.pipe(z.enum(['development', 'production', 'test']).optional()),
  PORT: port.default(3000),
  HOST: optionalString.default('0.0.0.0'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  KMS_URL: wsUrls,
  MEDIA_PROCESSES: z.coerce.number().int().min(1).max(32).default(1),
  // Read by each embedded media server (its forwarding threads, media/fanOut.ts), which inherits
  // this environment; checked here so that a bad value stops the app, not each media server.
  // Unset: one thread per core, engaged only while the media server's JS thread is busy.
  MEDIA_WORKERS: optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(0).max(64).optional()),
  MEDIA_WORKERS_ENGAGE: optionalString.pipe(z.enum(['load', 'always']).optional()),
  MEDIA_MIN_PORT: port.optional(),
  MEDIA_MAX_PORT: port.optional(),
  MEDIA_ANNOUNCED_IP: optionalString,
  MEDIA_ICE_ADDRESSES: optionalString,
  ICE_SERVERS: iceServersJson,
  STUN_URLS: commaList,
  TURN_URLS: commaList,
  TURN_USERNAME: optionalString,
  TURN_CREDENTIAL: optionalString,
  TURN_SECRET: optionalString.pipe(
    z
      .string()
      .min(16, 'TURN_SECRET: use at least 16 characters (it guards an open relay)')
      .optional(),
  ),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(86_400),
  ICE_TRANSPORT_POLICY: optionalString.pipe(z.enum(['all', 'relay']).default('all')),
  ROOM_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(64).default(16),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  ALLOWED_ORIGINS: origins,
  FRAME_ANCESTORS: frameAncestors,
  METRICS_TOKEN: optionalString.pipe(
    z.string().min(16, 'METRICS_TOKEN: use at least 16 characters').optional(),
  ),
  TRUST_PROXY: booleanFlag,
  HOST_SECRET: optionalString.pipe(
    z.string().min(32, 'HOST_SECRET: use at least 32 characters').optional(),
  ),
  ROOM_TOKEN_SECRET: optionalString.pipe(
    z.string().min(32, 'ROOM_TOKEN_SECRET: use at least 32 characters').optional(),
  ),
  RECORDINGS_DIR: optionalString.transform((value) => value ?? './recordings').pipe(directory),
  RECORDINGS_MEDIA_DIR: optionalString.pipe(
    directory
      .refine((value) => path.isAbsolute(value), 'RECORDINGS_MEDIA_DIR: must be an absolute path')
      .optional(),
  ),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(
        /^rediss?:\/\/.+/,
        'REDIS_URL: must be redis:// or rediss://, e.g. redis://127.0.0.1:6379',
      )
      .optional(),
  ),
  RECONNECT_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(20),
  SIGNALING_HEARTBEAT_SECONDS: z.coerce.number().min(0.5).max(60).default(10),
});

/** Parsed, validated configuration. Nothing outside this file reads `process.env`. */
export interface Env {
  /** Unset: `server.ts` decides (production when running the build in `dist/`). */
  nodeEnv: 'development' | 'production' | 'test' | undefined;
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** Unset: start the embedded media server. The first of `kmsUrls`. */
  kmsUrl: string | undefined;
  /** `KMS_URL` may list several media servers (comma-separated): a pool, each room on one. */
  kmsUrls: string[];
  media: {
    minPort: number | undefined;
    maxPort: number | undefined;
    announcedIp: string | undefined;
    iceAddresses: string | undefined;
    /** How many embedded media servers to start (when `KMS_URL` is unset); rooms spread over them. */
    processes: number;
    /**
     * Forwarding threads per media server (`MEDIA_WORKERS`; unset: one per core, as the media
     * server counts them; 0: none, the JS thread forwards). They take packets only while the
     * media server's JS thread is busy (`MEDIA_WORKERS_ENGAGE=load`), or always (`always`).
     */
    forwardingThreads: number;
    forwardingEngage: 'load' | 'always';
  };
  /** What browsers get for their RTCPeerConnection (besides the minted TURN pair, if any). */
  iceServers: IceServerConfig[];
  /**
   * Ephemeral TURN credentials (`TURN_SECRET`): each join gets a pair for `urls` valid `ttlSeconds`,
   * and each media-server endpoint one for the first UDP TURN URL. The secret never leaves the server.
   */
  turn: { secret: string; urls: string[]; ttlSeconds: number } | undefined;
  /** `relay`: browsers use TURN only (RTCConfiguration.iceTransportPolicy), e.g. to prove TURN works. */
  iceTransportPolicy: 'all' | 'relay';
  roomMaxParticipants: number;
  logLevel: (typeof logLevels)[number];
  /** Who may open signaling connections and frame the pages (see server/http/origin.ts). */
  access: {
    /** Origins besides the app's own whose pages may connect (embedding). */
    allowedOrigins: string[];
    /** CSP frame-ancestors; `'self'` unless configured. */
    frameAncestors: string[];
    /** `/metrics` needs `Authorization: Bearer <token>` when set. */
    metricsToken: string | undefined;
    /** Behind a reverse proxy: the client address is the last X-Forwarded-For hop. */
    trustProxy: boolean;
    /** Signs host credentials; unset: a random one per start (hosts lose the role on restart). */
    hostSecret: string | undefined;
    /** When set, joining needs a join token signed with it (scripts/token.ts). */
    roomTokenSecret: string | undefined;
  };
  /** Where recordings go (issue 14). */
  recordings: {
    /** Absolute: where this process writes manifests and serves files from. */
    dir: string;
    /**
     * The same directory as the media server sees it (real KMS in another container mounts the
     * volume elsewhere); recorder URIs are `file://` under it. Defaults to `dir`.
     */
    mediaDir: string;
  };
  /** Several app instances sharing rooms through Redis (server/cluster); unset: one process. */
  cluster: { redisUrl: string } | undefined;
  /** Issue 16: how long a lost participant is shown "reconnecting" before removal, and how fast a silent socket is noticed. */
  recovery: {
    /** Signaling gone (heartbeat unanswered) this long: the participant is removed; 0 removes at once. */
    graceSeconds: number;
    /** Socket.IO ping interval, and the time a ping may go unanswered: a dead socket shows within twice this. */
    heartbeatSeconds: number;
  };
}

export const envSchema = rawEnvSchema
  .refine(
    (raw) =>
      raw.MEDIA_MIN_PORT === undefined ||
      raw.MEDIA_MAX_PORT === undefined ||
      raw.MEDIA_MIN_PORT <= raw.MEDIA_MAX_PORT,
    { message: 'MEDIA_MIN_PORT must not exceed MEDIA_MAX_PORT', path: ['MEDIA_MIN_PORT'] },
  )
  .refine(
    (raw) =>
      raw.TURN_URLS.length === 0 ||
      raw.TURN_SECRET !== undefined ||
      raw.TURN_USERNAME !== undefined,
    {
      message: 'TURN_URLS needs TURN_SECRET, or TURN_USERNAME and TURN_CREDENTIAL',
      path: ['TURN_USERNAME'],
    },
  )
  .refine(
    (raw) =>
      raw.TURN_URLS.length === 0 ||
      raw.TURN_SECRET !== undefined ||
      raw.TURN_CREDENTIAL !== undefined,
    {
      message: 'TURN_URLS needs TURN_SECRET, or TURN_USERNAME and TURN_CREDENTIAL',
      path: ['TURN_CREDENTIAL'],
    },
  )
  .refine((raw) => raw.TURN_SECRET === undefined || raw.TURN_URLS.length > 0, {
    message: 'TURN_SECRET needs TURN_URLS (the TURN servers that share the secret)',
    path: ['TURN_URLS'],
  })
  .refine(
    (raw) =>
      raw.TURN_SECRET === undefined ||
      (raw.TURN_USERNAME === undefined && raw.TURN_CREDENTIAL === undefined),
    {
      message: 'TURN_SECRET replaces TURN_USERNAME and TURN_CREDENTIAL: set one scheme, not both',
      path: ['TURN_SECRET'],
    },
  )
  .refine((raw) => raw.ICE_TRANSPORT_POLICY === 'all' || hasTurnServer(raw), {
    message:
      'ICE_TRANSPORT_POLICY=relay needs a TURN server (TURN_URLS or a turn: URL in ICE_SERVERS)',
    path: ['ICE_TRANSPORT_POLICY'],
  })
  .transform((raw): Env => ({
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    host: raw.HOST,
    publicUrl: raw.PUBLIC_URL,
    kmsUrl: raw.KMS_URL[0],
    kmsUrls: raw.KMS_URL,
    media: {
      minPort: raw.MEDIA_MIN_PORT,
      maxPort: raw.MEDIA_MAX_PORT,
      announcedIp: raw.MEDIA_ANNOUNCED_IP,
      iceAddresses: raw.MEDIA_ICE_ADDRESSES,
      processes: raw.MEDIA_PROCESSES,
      forwardingThreads: raw.MEDIA_WORKERS ?? Math.min(64, availableParallelism()),
      forwardingEngage: raw.MEDIA_WORKERS_ENGAGE ?? 'load',
    },
    iceServers: raw.ICE_SERVERS ?? iceServersFromLists(raw),
    turn:
      raw.TURN_SECRET === undefined
        ? undefined
        : { secret: raw.TURN_SECRET, urls: raw.TURN_URLS, ttlSeconds: raw.TURN_TTL_SECONDS },
    iceTransportPolicy: raw.ICE_TRANSPORT_POLICY,
    roomMaxParticipants: raw.ROOM_MAX_PARTICIPANTS,
    logLevel: raw.LOG_LEVEL,
    access: {
      allowedOrigins: raw.ALLOWED_ORIGINS,
      frameAncestors: raw.FRAME_ANCESTORS.length > 0 ? raw.FRAME_ANCESTORS : ["'self'"],
      metricsToken: raw.METRICS_TOKEN,
      trustProxy: raw.TRUST_PROXY === 'true' || raw.TRUST_PROXY === '1',
      hostSecret: raw.HOST_SECRET,
      roomTokenSecret: raw.ROOM_TOKEN_SECRET,
    },
    recordings: {
      dir: path.resolve(raw.RECORDINGS_DIR),
      mediaDir: raw.RECORDINGS_MEDIA_DIR ?? path.resolve(raw.RECORDINGS_DIR),
    },
    cluster: raw.REDIS_URL === undefined ? undefined : { redisUrl: raw.REDIS_URL },
    recovery: {
      graceSeconds: raw.RECONNECT_GRACE_SECONDS,
      heartbeatSeconds: raw.SIGNALING_HEARTBEAT_SECONDS,
    },
  }));

type RawEnv = z.infer<typeof rawEnvSchema>;

function hasTurnServer(raw: RawEnv): boolean {
  if (raw.TURN_URLS.length > 0) return true;
  return (raw.ICE_SERVERS ?? []).some((server) =>
    [server.urls].flat().some((url) => /^turns?:/.test(url)),
  );
}

function iceServersFromLists(raw: RawEnv): IceServerConfig[] {
  const servers: IceServerConfig[] = [];
  if (raw.STUN_URLS.length > 0) servers.push({ urls: raw.STUN_URLS });
  // With TURN_SECRET the TURN entry is minted per join (server/turn/), never stored here.
  if (raw.TURN_URLS.length > 0 && raw.TURN_SECRET === undefined) {
    servers.push({
      urls: raw.TURN_URLS,
      ...(raw.TURN_USERNAME === undefined ? {} : { username: raw.TURN_USERNAME }),
      ...(raw.TURN_CREDENTIAL === undefined ? {} : { credential: raw.TURN_CREDENTIAL }),
    });
  }
  return servers;
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses the environment once at boot; throws an `EnvError` listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(`Invalid environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
