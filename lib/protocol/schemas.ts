import { z } from 'zod';

import { accessJoinFields } from './access';
import { limits } from './limits';
import { roomIdSchema } from './roomId';

export { limits } from './limits';

export const participantIdSchema = z.string().min(1).max(64);

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'a display name is required')
  .max(limits.displayNameMaxLength);

export const joinRoomSchema = z.object({
  roomId: roomIdSchema,
  displayName: displayNameSchema,
  audioMuted: z.boolean().default(false),
  videoMuted: z.boolean().default(false),
  ...accessJoinFields,
});
export type JoinRoomRequest = z.input<typeof joinRoomSchema>;

export const sdpOfferSchema = z.object({
  senderId: participantIdSchema,
  sdp: z
    .string()
    .max(limits.sdpMaxLength)
    .refine((sdp) => sdp.startsWith('v=0'), 'an SDP offer starts with "v=0"'),
  /**
   * Replace my connection for this sender (a new RTCPeerConnection after a failure) instead of
   * answering ALREADY_NEGOTIATED; the old endpoint is released. For my own id this renews what I
   * publish, and everyone's incoming endpoint for me switches to the new one.
   */
  replace: z.boolean().default(false),
});
export type SdpOfferRequest = z.input<typeof sdpOfferSchema>;

export const iceCandidateSchema = z.object({
  candidate: z.string().max(limits.candidateMaxLength),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(16).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

export const addIceCandidateSchema = z.object({
  senderId: participantIdSchema,
  candidate: iceCandidateSchema,
});
export type AddIceCandidateRequest = z.input<typeof addIceCandidateSchema>;

export const setMuteSchema = z.object({
  audioMuted: z.boolean(),
  videoMuted: z.boolean(),
});
export type SetMuteRequest = z.input<typeof setMuteSchema>;
