import { z } from 'zod';
import './zodConfig';

/**
 * What anyone may learn about a room before joining it (`GET /api/rooms/:roomId`): how many are in
 * it and whether it is full. The prejoin shows it so nobody finds a full room only after "Join".
 * It is a report, not a reservation: `room:join` still decides, and may still refuse.
 */
export const roomStatusSchema = z.object({
  /** The canonical id (the request may have used another spelling). */
  roomId: z.string(),
  participants: z.number().int().min(0),
  capacity: z.number().int().min(1),
  full: z.boolean(),
});
export type RoomStatus = z.infer<typeof roomStatusSchema>;

/** The HTTP path of a room's status. */
export function roomStatusPath(roomId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}`;
}
