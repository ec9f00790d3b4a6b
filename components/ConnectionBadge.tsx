import { useTranslations } from 'next-intl';
import type { PeerConnectionState } from '@/lib/store/types';

const labels = {
  new: 'connecting',
  connecting: 'connecting',
  connected: null,
  failed: 'failed',
  closed: 'disconnected',
} as const satisfies Record<PeerConnectionState, string | null>;

/** Shown on a tile until its media connection is up; silent once connected. */
export function ConnectionBadge({ state }: { state: PeerConnectionState }) {
  const t = useTranslations('tile');
  const key = labels[state];
  if (!key) return null;
  return (
    <span className={`badge badge-${state}`} data-testid="tile_connection" role="status">
      {t(key)}
    </span>
  );
}
