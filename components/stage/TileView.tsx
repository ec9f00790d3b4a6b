import { useTranslations } from 'next-intl';
import { useRef } from 'react';
import type { TileRef } from '@/lib/hooks/useTiles';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useTileSize } from '@/lib/hooks/useTileSize';
import { useVideoVisibility } from '@/lib/hooks/useVideoVisibility';
import { Icon } from '../Icon';
import { TileSpotlight } from '../host/TileSpotlight';
import { ParticipantTile } from '../ParticipantTile';
import { ScreenTile } from './ScreenTile';
import styles from './Stage.module.css';

/**
 * One tile on the stage, wherever the layout puts it: the person or the share, a pin for myself,
 * and (for someone else's) no video while it is out of sight and its size for bandwidth fitting.
 */
export function TileView({ tile }: { tile: TileRef }) {
  const t = useTranslations('stage');
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useCallStore((state) => state.pinned === tile.key);
  const spotlighted = useCallStore((state) => state.spotlight === tile.key);
  const setPinned = useCallStore((state) => state.setPinned);
  const videoWanted = useVideoVisibility(ref, tile.key, !tile.isLocal);
  useTileSize(ref, tile.key, !tile.isLocal);
  const label = pinned ? t('unpin') : t('pin');
  return (
    <div
      ref={ref}
      className={styles.tileFrame}
      data-testid="tile_frame"
      data-tile-key={tile.key}
      data-video-wanted={videoWanted}
      data-spotlight={spotlighted}
    >
      {tile.kind === 'screen' ? <ScreenTile id={tile.key} /> : <ParticipantTile id={tile.key} />}
      <button
        type="button"
        className={pinned ? `${styles.pin} ${styles.pinned}` : styles.pin}
        data-testid="tile_pin"
        aria-pressed={pinned}
        aria-label={label}
        title={label}
        onClick={() => setPinned(pinned ? null : tile.key)}
      >
        <Icon name="pin" size={16} />
      </button>
      <TileSpotlight tile={tile} />
    </div>
  );
}
