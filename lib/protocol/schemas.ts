import { z } from 'zod';

import { accessJoinFields } from './access';
import { limits } from './limits';
import { prejoinJoinFields } from './prejoin';
import { qualityJoinFields } from './quality';
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
  ...accessJoinFields,
  ...qualityJoinFields,
  ...prejoinJoinFields,
});
export type JoinRoomRequest = z.input<typeof joinRoomSchema>;

export const iceCandidateSchema = z.object({
  candidate: z.string().max(limits.candidateMaxLength),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(16).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;
