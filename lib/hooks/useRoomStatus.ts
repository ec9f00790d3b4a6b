import { useEffect, useState } from 'react';
import type { RoomStatus } from '../protocol';
import { fetchRoomStatus } from '../call/roomStatus';

/** How often the prejoin asks again: a full room can open up while someone waits. */
const refreshMs = 3000;

/**
 * Who is in the room, from the server, refreshed while the page is open; null until the first
 * answer or when the server cannot tell (the join still decides, so that is never a reason to wait).
 */
export function useRoomStatus(roomId: string): RoomStatus | null {
  const [status, setStatus] = useState<RoomStatus | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      fetchRoomStatus(roomId, controller.signal)
        .then(
          // Same numbers: keep the same object, so the prejoin does not re-render every poll.
          (next) => setStatus((prev) => (prev && sameStatus(prev, next) ? prev : next)),
          () => {
            if (!controller.signal.aborted) setStatus(null);
          },
        )
        .finally(() => {
          if (!controller.signal.aborted) timer = setTimeout(refresh, refreshMs);
        });
    };
    refresh();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [roomId]);
  return status;
}

function sameStatus(a: RoomStatus, b: RoomStatus): boolean {
  return (
    a.roomId === b.roomId &&
    a.participants === b.participants &&
    a.capacity === b.capacity &&
    a.full === b.full
  );
}
