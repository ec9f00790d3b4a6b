import { z } from 'zod';
import './zodConfig';

import { limits } from './limits';

/**
 * The one place that decides what a room id is. People type ids on phones (which capitalise the
 * first letter), paste them with stray spaces, or say "Team Sync" out loud; all of those must reach
 * the same room as `team-sync`. The home page, the room route and the server's join schema all go
 * through `normalizeRoomId`, so two spellings can never become two rooms.
 */
export function normalizeRoomId(input: string): string {
  return input.trim().toLowerCase().replace(/\s+/g, '-');
}

/** A room id as rooms are stored: already normalised (lower case, no spaces). */
export const canonicalRoomIdSchema = z
  .string()
  .min(1, 'a room id is required')
  .max(limits.roomIdMaxLength)
  .regex(/^[a-z0-9_-]+$/, 'room ids use letters, digits, "-" and "_"');

/**
 * A room id as a person or a client sends it: normalised, then checked. The raw length is bounded
 * first, so a huge string is refused before any work is done on it.
 */
export const roomIdSchema = z
  .string()
  .max(limits.roomIdMaxLength * 2)
  .transform(normalizeRoomId)
  .pipe(canonicalRoomIdSchema);

/** The canonical id for `input`, or null when it cannot be one (wrong characters, too long). */
export function canonicalRoomId(input: string): string | null {
  const result = roomIdSchema.safeParse(input);
  return result.success ? result.data : null;
}
