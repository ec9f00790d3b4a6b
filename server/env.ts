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

const rawEnvSchema = z.object({
  NODE_ENV: optionalString.pipe(z.enum(['development', 'production', 'test']).optional()),
  PORT: port.default(3000),
  HOST: optionalString.default('0.0.0.0'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  KMS_URL: wsUrls,
  MEDIA_WORKERS: z.coerce.number().int().min(1).max(32).default(1),
  MEDIA_MIN_PORT: port.optional(),
  MEDIA_MAX_PORT: port.optional(),
  MEDIA_ANNOUNCED_IP: optionalString,
  MEDIA_ICE_ADDRESSES: optionalString,
  ICE_SERVERS: iceServersJson,
  STUN_URLS: commaList,
  TURN_URLS: commaList,
  TURN_USERNAME: optionalString,
  TURN_CREDENTIAL: optionalString,
  ROOM_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(64).default(16),
  LOG_LEVEL: z.enum(logLevels).default('info'),
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
    workers: number;
  };
  /** What browsers get for their RTCPeerConnection. */
  iceServers: IceServerConfig[];
  roomMaxParticipants: number;
  logLevel: (typeof logLevels)[number];
}

export const envSchema = rawEnvSchema
  .refine(
    (raw) =>
      raw.MEDIA_MIN_PORT === undefined ||
      raw.MEDIA_MAX_PORT === undefined ||
      raw.MEDIA_MIN_PORT <= raw.MEDIA_MAX_PORT,
    { message: 'MEDIA_MIN_PORT must not exceed MEDIA_MAX_PORT', path: ['MEDIA_MIN_PORT'] },
  )
  .refine((raw) => raw.TURN_URLS.length === 0 || raw.TURN_USERNAME !== undefined, {
    message: 'TURN_URLS needs TURN_USERNAME and TURN_CREDENTIAL',
    path: ['TURN_USERNAME'],
  })
  .refine((raw) => raw.TURN_URLS.length === 0 || raw.TURN_CREDENTIAL !== undefined, {
    message: 'TURN_URLS needs TURN_USERNAME and TURN_CREDENTIAL',
    path: ['TURN_CREDENTIAL'],
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
      workers: raw.MEDIA_WORKERS,
    },
    iceServers: raw.ICE_SERVERS ?? iceServersFromLists(raw),
    roomMaxParticipants: raw.ROOM_MAX_PARTICIPANTS,
    logLevel: raw.LOG_LEVEL,
  }));

function iceServersFromLists(raw: z.infer<typeof rawEnvSchema>): IceServerConfig[] {
  const servers: IceServerConfig[] = [];
  if (raw.STUN_URLS.length > 0) servers.push({ urls: raw.STUN_URLS });
  if (raw.TURN_URLS.length > 0) {
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
