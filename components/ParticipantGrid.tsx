import { useTranslations } from 'next-intl';
import { useRef, type CSSProperties } from 'react';
import { bestGrid, useContainerSize } from '@/lib/hooks/useGridLayout';
import type { TileRef } from '@/lib/hooks/useTiles';
import { TileView } from './stage/TileView';
import styles from './stage/Stage.module.css';

/** Below this width tiles stop shrinking and the grid scrolls (off-screen tiles get no video). */
const minTileWidth = 160;
const gap = 12;

/**
 * Tiles in a grid whose columns follow the tile count and the window's shape: one per person
 * (their camera) and one per screen share. A room too big for the window scrolls.
 */
export function ParticipantGrid({ tiles }: { tiles: TileRef[] }) {
  const t = useTranslations('call');
  const ref = useRef<HTMLDivElement>(null);
  const size = useContainerSize(ref);
  let { columns, tileWidth, tileHeight } = bestGrid(tiles.length, size.width, size.height, gap);
  const scrolls = tileWidth < minTileWidth;
  if (scrolls) {
    columns = Math.max(1, Math.floor((size.width + gap) / (minTileWidth + gap)));
    tileWidth = minTileWidth;
    tileHeight = Math.round((minTileWidth * 9) / 16);
  }
  const style = {
    '--tile-w': `${tileWidth}px`,
    '--tile-h': `${tileHeight}px`,
    // Wrap after `columns` tiles: the row is exactly that wide, so a short last row is centred.
    maxWidth: `${columns * tileWidth + (columns - 1) * gap}px`,
  } as CSSProperties;
  return (
    <section
      className={scrolls ? `grid-area ${styles.gridScroll}` : 'grid-area'}
      ref={ref}
      aria-label={t('participants')}
      data-testid="stage_grid"
    >
      <ul className="grid" style={style} data-testid="grid">
        {tiles.map((tile) => (
          <li key={tile.key} className="grid-cell">
            <TileView tile={tile} />
          </li>
        ))}
      </ul>
    </section>
  );
}
