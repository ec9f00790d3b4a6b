/*
 * Who may start and stop recording: a host (docs/TEAM.md, contract 4). Access's own check
 * (`assertHost` in server/access/roles.ts) replaces this once it is on main; until then this one
 * applies access's rule as main has it: the room's creator is host, and when the host leaves the
 * longest-present participant is (promotions and host credentials are access's, not seen here).
 */
import { ErrorCode } from '../../lib/protocol';
import { AppError } from '../errors';
import type { Room } from '../rooms/room';

export function assertHost(room: Room, participantId: string): void {
  // Participants are kept in join order, so the first one is the longest present.
  if (room.participants[0]?.id !== participantId) {
    throw new AppError(ErrorCode.Forbidden, 'Only a host can start or stop recording.');
  }
}
