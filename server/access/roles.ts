import type { Role } from '../../lib/protocol';

/** How the roles registry reaches one member's socket. */
export interface RoleMember {
  roleChanged(participantId: string, role: Role, reason: 'promoted' | 'handover'): void;
  /** I became host: a credential to keep. */
  becameHost(): void;
}

interface Entry {
  role: Role;
  joinedAt: number;
  member: RoleMember;
}

/**
 * Roles of the participants of each open room, as admitted at the join. When the last host
 * leaves, the earliest remaining participant becomes host and everyone is told, so a meeting is
 * never left without one.
 */
export class RoomRoles {
  readonly #rooms = new Map<string, Map<string, Entry>>();
  #clock = 0;

  roleOf(roomId: string, participantId: string): Role | undefined {
    return this.#rooms.get(roomId)?.get(participantId)?.role;
  }

  joined(roomId: string, participantId: string, role: Role, member: RoleMember): void {
    let room = this.#rooms.get(roomId);
    if (!room) this.#rooms.set(roomId, (room = new Map()));
    this.#clock += 1;
    room.set(participantId, { role, joinedAt: this.#clock, member });
  }

  left(roomId: string, participantId: string): void {
    const room = this.#rooms.get(roomId);
    if (!room?.delete(participantId)) return;
    if (room.size === 0) {
      this.#rooms.delete(roomId);
      return;
    }
    if ([...room.values()].some((entry) => entry.role === 'host')) return;
    const [nextId, next] = [...room.entries()].sort((a, b) => a[1].joinedAt - b[1].joinedAt)[0]!;
    this.#setHost(room, nextId, next, 'handover');
  }

  /** Makes `targetId` host too; false when they are not in the room. */
  promote(roomId: string, targetId: string): boolean {
    const room = this.#rooms.get(roomId);
    const target = room?.get(targetId);
    if (!room || !target) return false;
    if (target.role !== 'host') this.#setHost(room, targetId, target, 'promoted');
    return true;
  }

  #setHost(
    room: Map<string, Entry>,
    id: string,
    entry: Entry,
    reason: 'promoted' | 'handover',
  ): void {
    entry.role = 'host';
    entry.member.becameHost();
    for (const other of room.values()) other.member.roleChanged(id, 'host', reason);
  }
}
