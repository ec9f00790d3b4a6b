import { useTranslations } from 'next-intl';
import { useRef, type CSSProperties } from 'react';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useGridLayout } from '@/lib/hooks/useGridLayout';
import { ParticipantTile } from './ParticipantTile';

/** Tiles in a grid whose columns follow the participant count and the window's shape. */
export function ParticipantGrid() {
  const t = useTranslations('call');
  const order = useCallStore((state) => state.order);
  const ref = useRef<HTMLDivElement>(null);
  const { columns, tileWidth, tileHeight } = useGridLayout(ref, order.length);
  const style = {
    '--tile-w': `${tileWidth}px`,
    '--tile-h': `${tileHeight}px`,
    // Wrap after `columns` tiles: the row is exactly that wide, so a short last row is centred.
    maxWidth: `${columns * tileWidth + (columns - 1) * 12}px`,
  } as CSSProperties;
  return (
    <section className="grid-area" ref={ref} aria-label={t('participants')}>
      <ul className="grid" style={style} data-testid="grid">
        {order.map((id) => (
          <li key={id} className="grid-cell">
            <ParticipantTile id={id} />
          </li>
        ))}
      </ul>
    </section>
  );
}
