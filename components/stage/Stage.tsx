import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useFocus, useTiles } from '@/lib/hooks/useTiles';
import { ParticipantGrid } from '../ParticipantGrid';
import { LayoutPicker } from './LayoutPicker';
import styles from './Stage.module.css';
import { TileView } from './TileView';

/**
 * The call's tiles, laid out: the grid, or one tile large (my pin, the host's spotlight, a
 * share while presenting, the active speaker) with the others in a strip that scrolls.
 */
export function Stage() {
  const t = useTranslations('stage');
  const tiles = useTiles();
  const focus = useFocus(tiles);
  const layout = useCallStore((state) => state.layout);
  const pinned = useCallStore((state) => state.pinned);
  const spotlight = useCallStore((state) => state.spotlight);
  const kind = !focus
    ? 'grid'
    : focus.key === pinned
      ? 'pinned'
      : focus.key === spotlight
        ? 'spotlight'
        : layout === 'speaker'
          ? 'speaker'
          : 'presenting';
  return (
    <section className={styles.stage} data-testid="stage" data-layout={kind}>
      <LayoutPicker />
      {focus ? (
        <div className={styles.focus}>
          <div className={styles.main} data-testid="stage_main">
            <TileView key={focus.key} tile={focus} />
          </div>
          <ul className={styles.strip} data-testid="stage_strip" aria-label={t('everyoneElse')}>
            {tiles
              .filter((tile) => tile.key !== focus.key)
              .map((tile) => (
                <li key={tile.key} className={styles.stripCell}>
                  <TileView tile={tile} />
                </li>
              ))}
          </ul>
        </div>
      ) : (
        <ParticipantGrid tiles={tiles} />
      )}
    </section>
  );
}
