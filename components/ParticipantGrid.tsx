import { useRef, type CSSProperties } from 'react';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useGridLayout } from '@/lib/hooks/useGridLayout';
import { ParticipantTile } from './ParticipantTile';

/** Tiles in a grid whose columns follow the participant count and the window's shape. */
export function ParticipantGrid() {
  const order = useCallStore((state) => state.order);
  const ref = useRef<HTMLDivElement>(null);
  const { columns, rows } = useGridLayout(ref, order.length);
  const style = { '--columns': columns, '--rows': rows } as CSSProperties;
  return (
    <section className="grid-area" ref={ref} aria-label="Participants">
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
