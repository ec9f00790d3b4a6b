import { z } from 'zod';

import type { Ack } from './events';

/** A participant's standing in the room, decided by the server. A co-host is a host. */
export const roles = ['host', 'participant'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** Longest credential or token accepted (a compact JWT of a few claims is ~300 bytes). */
const credentialMaxLength = 2048;

/**
 * Fields of `room:join` owned by access (additive): the host credential this browser was given
 * for the room, a join token from an embedding product (required with `ROOM_TOKEN_SECRET`), and
 * the room's password.
 */
export const accessJoinFields = {
  hostCredential: z.string().min(1).max(credentialMaxLength).optional(),
  token: z.string().min(1).max(credentialMaxLength).optional(),
  password: z.string().min(1).max(128).optional(),
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

export const participantTargetSchema = z.object({ participantId: z.string().min(1).max(64) });
export type ParticipantTargetRequest = z.input<typeof participantTargetSchema>;

/** What the join answer carries for access (additive). */
export interface AccessJoinResult {
  role: Role;
  /** A credential to keep (per room) and present on the next join: a reload keeps the host role. */
  hostCredential?: string;
}

/** Client → server requests of access. */
export interface AccessRequests {
  /** A host makes someone else host too (co-host). */
  'host:promote': (request: ParticipantTargetRequest, ack: Ack<null>) => void;
}

/** Server → client events of access. */
export interface AccessEvents {
  /** Someone's role changed (a promotion, or the last host left and the role passed on). */
  'access:role': (event: {
    participantId: string;
    role: Role;
    reason: 'promoted' | 'handover';
  }) => void;
  /** I became host: keep this credential for the room, as after creating it. */
  'access:credential': (event: { hostCredential: string }) => void;
}
