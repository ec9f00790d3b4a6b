import type { RoomStatus } from '@/lib/protocol';

/** Who is already in the room, as the server reported it; the reason Join is off when it is full. */
export function RoomOccupancy({ status, id }: { status: RoomStatus | null; id: string }) {
  if (!status) return null;
  const { participants, capacity } = status;
  if (status.full) {
    return (
      <p id={id} className="notice danger" role="alert" data-testid="prejoin_room_full">
        This room is full ({participants} of {capacity}). You can join as soon as someone leaves.
      </p>
    );
  }
  const text =
    participants === 0
      ? 'No one is here yet.'
      : `${participants} ${participants === 1 ? 'person is' : 'people are'} in this room.`;
  return (
    <p id={id} className="muted occupancy" data-testid="prejoin_occupancy" aria-live="polite">
      {text}
    </p>
  );
}
