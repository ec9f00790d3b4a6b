import type { IncomingMessage, ServerResponse } from 'node:http';

import { ErrorCode, canonicalRoomId } from '../../lib/protocol';
import type { ProtocolError, RoomStatus } from '../../lib/protocol';

export const roomStatusPrefix = '/api/rooms/';

export interface RoomStatusSource {
  /** Participants in the room now (0 when it is not open). */
  participantsIn(roomId: string): number;
  /** `ROOM_MAX_PARTICIPANTS`: the limit `room:join` enforces. */
  capacity: number;
}

type Reply = (status: number, body: RoomStatus | { error: ProtocolError }) => void;

/**
 * `GET /api/rooms/:roomId` → `RoomStatus`. Any spelling of an id answers for its canonical room; a
 * segment that cannot be a room id is a 400 with the protocol's error shape.
 */
export function handleRoomStatus(
  req: IncomingMessage,
  path: string,
  source: RoomStatusSource,
  reply: Reply,
  res: ServerResponse,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    reply(405, { error: { code: ErrorCode.BadRequest, message: 'Use GET.' } });
    return;
  }
  let roomId: string | null = null;
  try {
    roomId = canonicalRoomId(decodeURIComponent(path.slice(roomStatusPrefix.length)));
  } catch {
    // A broken %-escape is as much "not a room id" as a wrong character.
  }
  if (roomId === null) {
    reply(400, {
      error: { code: ErrorCode.BadRequest, message: 'Room ids use letters, digits, "-" and "_".' },
    });
    return;
  }
  const participants = source.participantsIn(roomId);
  const { capacity } = source;
  reply(200, { roomId, participants, capacity, full: participants >= capacity });
}
