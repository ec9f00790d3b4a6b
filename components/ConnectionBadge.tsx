import type { PeerConnectionState } from '@/lib/store/types';

const labels: Record<PeerConnectionState, string | null> = {
  new: 'Connecting…',
  connecting: 'Connecting…',
  connected: null,
  failed: 'Connection failed',
  closed: 'Disconnected',
};

/** Shown on a tile until its media connection is up; silent once connected. */
export function ConnectionBadge({ state }: { state: PeerConnectionState }) {
  const label = labels[state];
  if (!label) return null;
  return (
    <span className={`badge badge-${state}`} data-testid="tile_connection" role="status">
      {label}
    </span>
  );
}
