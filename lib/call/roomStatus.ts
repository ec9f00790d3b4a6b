import { roomStatusPath, roomStatusSchema, type RoomStatus } from '../protocol';

/** Asks the server who is in `roomId` (`GET /api/rooms/:roomId`); throws when it cannot tell. */
export async function fetchRoomStatus(roomId: string, signal?: AbortSignal): Promise<RoomStatus> {
  const response = await fetch(roomStatusPath(roomId), {
    signal,
    cache: 'no-store',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`room status: HTTP ${response.status}`);
  return roomStatusSchema.parse(await response.json());
}
