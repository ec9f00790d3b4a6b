import { z } from 'zod';

import type { Ack } from './events';

/** A participant's standing in the room, decided by the server. A co-host is a host. */
export const roles = ['host', 'participant'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** Longest credential or token accepted (a compact JWT of a few claims is ~300 bytes). */
const credentialMaxLength = 2048;
export const passwordMaxLength = 128;

/** How long a joiner waits in the lobby (or for the password) before the server gives up. */
export const lobbyWaitMs = 5 * 60_000;

/**
 * Fields of `room:join` owned by access (additive): the access credential this browser was given
 * for the room (its identity there and, for a host, the role: `hostCredential` for historical
 * reasons), a join token from an embedding product (required with `ROOM_TOKEN_SECRET`), the
 * room's password, and the lobby ticket of a wait whose connection was lost (keeps the place).
 */
export const accessJoinFields = {
  hostCredential: z.string().min(1).max(credentialMaxLength).optional(),
  token: z.string().min(1).max(credentialMaxLength).optional(),
  password: z.string().min(1).max(passwordMaxLength).optional(),
  lobbyTicket: z.string().min(1).max(64).optional(),
};
export const accessJoinSchema = z.object(accessJoinFields);
export type AccessJoinFields = z.input<typeof accessJoinSchema>;

/** Claims of a join token (`npm run token`), HS256-signed with `ROOM_TOKEN_SECRET`. */
export const joinTokenClaimsSchema = z.object({
  room: z.string().min(1),
  name: z.string().trim().min(1).max(40),
  role: roleSchema,
});
export type JoinTokenClaims = z.infer<typeof joinTokenClaimsSchema>;

const idSchema = z.string().min(1).max(64);

export const participantTargetSchema = z.object({ participantId: idSchema });
export type ParticipantTargetRequest = z.input<typeof participantTargetSchema>;

/**
 * A host mutes one person (`participantId`) or everyone else (`all`): `audio` their microphone,
 * `video` their camera (`true`), or lifts a host's mute of that kind (`false`). At least one
 * kind; both targets at once is a bad request.
 */
export const hostMuteSchema = z
  .object({
    participantId: idSchema.optional(),
    all: z.literal(true).optional(),
    audio: z.boolean().optional(),
    video: z.boolean().optional(),
  })
  .refine((r) => (r.participantId === undefined) !== (r.all === undefined), {
    message: 'name a participantId or all: true',
  })
  .refine((r) => r.audio !== undefined || r.video !== undefined, {
    message: 'audio or video is required',
  });
export type HostMuteRequest = z.input<typeof hostMuteSchema>;

/** The room's settings a host changes; omitted fields stay. `password: null` clears it. */
export const roomSettingsSchema = z
  .object({
    locked: z.boolean().optional(),
    lobby: z.boolean().optional(),
    /** May a muted participant unmute themselves? */
    selfUnmute: z.boolean().optional(),
    password: z.string().min(1).max(passwordMaxLength).nullable().optional(),
  })
  .strict();
export type RoomSettingsRequest = z.input<typeof roomSettingsSchema>;

/**
 * A host shows one tile large for everyone (`host:spotlight`): a person's (`participantId`, with
 * or without a camera), a publication's (`publicationId`: a camera stands for its owner's tile, a
 * screen share for its own), or none (`publicationId: null`). Exactly one of the two.
 */
export const hostSpotlightSchema = z
  .object({ participantId: idSchema.optional(), publicationId: idSchema.nullable().optional() })
  .strict()
  .refine((r) => (r.participantId === undefined) !== (r.publicationId === undefined), {
    message: 'name a participantId or a publicationId (null: no spotlight)',
  });
export type HostSpotlightRequest = z.input<typeof hostSpotlightSchema>;

/**
 * The tile a host spotlighted: a person's (`participantId` only) or a screen share
 * (`publicationId`, with its owner). In the browser it is the tile keyed by `publicationId ??
 * participantId`; a person's own pin wins over it.
 */
export interface Spotlight {
  participantId: string;
  publicationId?: string;
}

export const lobbyDecisionSchema = z.object({ waitingId: idSchema });
export type LobbyDecisionRequest = z.input<typeof lobbyDecisionSchema>;

export const passwordSchema = z.object({
  password: z.string().min(1).max(passwordMaxLength),
});
export type PasswordRequest = z.input<typeof passwordSchema>;

/** What everyone in the room knows of its settings (never the password itself). */
export interface RoomSettings {
  locked: boolean;
  lobby: boolean;
  selfUnmute: boolean;
  passwordSet: boolean;
}

/** Someone waiting in the lobby, as hosts see them. */
export interface LobbyEntry {
  id: string;
  displayName: string;
  since: number;
}

/** What the join answer carries for access (additive). */
export interface AccessJoinResult {
  role: Role;
  /** A credential to keep (per room) and present on the next join: my identity, and the host role. */
  hostCredential?: string;
  settings?: RoomSettings;
  /** Hosts only: who waits in the lobby as I arrive (then `lobby:queue`). */
  lobby?: LobbyEntry[];
  /** The host's spotlight as I arrive (then `access:spotlight`); absent: none. */
  spotlight?: Spotlight;
  /** What a host keeps muted of mine as I arrive (after a reload or a reconnection). */
  forced?: { audio: boolean; video: boolean };
}

/** Client → server requests of access. Each host power answers FORBIDDEN to a non-host. */
export interface AccessRequests {
  /** A host makes someone else host too (co-host). */
  'host:promote': (request: ParticipantTargetRequest, ack: Ack<null>) => void;
  /** `audio`/`video` true mutes; false lifts a host's mute (they may then unmute themselves). */
  'host:mute': (request: HostMuteRequest, ack: Ack<null>) => void;
  /** Shows one tile large for everyone, or none; answers the spotlight now in force. */
  'host:spotlight': (request: HostSpotlightRequest, ack: Ack<Spotlight | null>) => void;
  /** The person leaves the call and cannot rejoin this meeting from the same browser. */
  'host:remove': (request: ParticipantTargetRequest, ack: Ack<null>) => void;
  'host:lower-hand': (request: ParticipantTargetRequest, ack: Ack<null>) => void;
  'host:settings': (request: RoomSettingsRequest, ack: Ack<RoomSettings>) => void;
  /** Ends the meeting for everyone. */
  'host:end': (ack: Ack<null>) => void;
  'lobby:admit': (request: LobbyDecisionRequest, ack: Ack<null>) => void;
  'lobby:deny': (request: LobbyDecisionRequest, ack: Ack<null>) => void;
  /** While my join waits for the room's password (`access:password-required`). */
  'access:password': (request: PasswordRequest, ack: Ack<null>) => void;
}

/** Why a joiner's `room:join` is still waiting. */
export type JoinWait = 'lobby' | 'password';

/** Server → client events of access. */
export interface AccessEvents {
  /** Someone's role changed (a promotion, or the last host left and the role passed on). */
  'access:role': (event: {
    participantId: string;
    role: Role;
    reason: 'promoted' | 'handover';
  }) => void;
  /** Keep this credential for the room (I became host), as after creating it. */
  'access:credential': (event: { hostCredential: string }) => void;
  'access:settings': (event: RoomSettings) => void;
  /** A host spotlighted a tile for everyone, or removed it (null); also when its tile went. */
  'access:spotlight': (event: { spotlight: Spotlight | null }) => void;
  /** A host muted me (`audio`/`video` true where they did). */
  'access:muted': (event: { audio: boolean; video: boolean; selfUnmute: boolean }) => void;
  /** Hosts: who waits in the lobby, first come first. */
  'lobby:queue': (event: { waiting: LobbyEntry[] }) => void;
  /**
   * To a joiner: my `room:join` waits (in the lobby, or for the password: `wrong` after a miss).
   * In the lobby, `ticket`: given as `lobbyTicket` by a join after my connection was lost, it
   * keeps my place for the server's reconnection grace.
   */
  'access:waiting': (event: { reason: JoinWait; wrong?: boolean; ticket?: string }) => void;
}
