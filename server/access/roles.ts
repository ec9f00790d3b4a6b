import type { Room } from '../rooms/room';

/**
 * Contract 4 (docs/TEAM.md): the one host check of every host-only request, this feature's and
 * others' (recording start/stop). Throws `AppError(FORBIDDEN)` unless `participantId` is a host
 * of `room`; call it before changing anything. Roles themselves live in `room.access`
 * (`RoomAccess`): the creator is host, `host:promote` makes co-hosts, and when the last host
 * leaves the longest-present participant becomes host.
 */
export function assertHost(room: Room, participantId: string): void {
  room.access.assertHost(participantId);
}
