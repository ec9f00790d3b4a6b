import { useTranslations } from 'next-intl';
import type { RoomStatus } from '@/lib/protocol';

/** Who is already in the room, as the server reported it; the reason Join is off when it is full. */
export function RoomOccupancy({ status, id }: { status: RoomStatus | null; id: string }) {
  const t = useTranslations('prejoin');
  if (!status) return null;
  const { participants, capacity } = status;
  if (status.full) {
    return (
      <p id={id} className="notice danger" role="alert" data-testid="prejoin_room_full">
        {t('roomFull', { participants, capacity })}
      </p>
    );
  }
  return (
    <p id={id} className="muted occupancy" data-testid="prejoin_occupancy" aria-live="polite">
      {t('occupancy', { count: participants })}
    </p>
  );
}
