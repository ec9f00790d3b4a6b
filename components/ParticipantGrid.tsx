import { useRef, type CSSProperties } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useGridLayout } from '@/lib/hooks/useGridLayout';
import { ParticipantTile } from './ParticipantTile';
import { ScreenTile } from './stage/ScreenTile';

/**
 * Tiles in a grid whose columns follow the tile count and the window's shape: one per person
 * (their camera) and one per screen share.
 */
export function ParticipantGrid() {
  const order = useCallStore((state) => state.order);
  const screens = useCallStore(useShallow((state) => state.screenOrder));
  const ref = useRef<HTMLDivElement>(null);
  const { columns, tileWidth, tileHeight } = useGridLayout(ref, order.length + screens.length);
  const style = {
    '--tile-w': `${tileWidth}px`,
    '--tile-h': `${tileHeight}px`,
    // Wrap after `columns` tiles: the row is exactly that wide, so a short last row is centred.
    maxWidth: `${columns * tileWidth + (columns - 1) * 12}px`,
  } as CSSProperties;
  return (
    <section className="grid-area" ref={ref} aria-label="Participants">
      <ul className="grid" style={style} data-testid="grid">
        {screens.map((id) => (
          <li key={id} className="grid-cell">
            <ScreenTile id={id} />
          </li>
        ))}
        {order.map((id) => (
          <li key={id} className="grid-cell">
            <ParticipantTile id={id} />
          </li>
        ))}
      </ul>
    </section>
  );
}
