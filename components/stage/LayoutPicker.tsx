import type { IconName } from '../Icon';
import { Icon } from '../Icon';
import { useLayoutChoice } from '@/lib/hooks/useLayoutChoice';
import type { LayoutChoice } from '@/lib/store/layoutSlice';
import styles from './Stage.module.css';

const options: { choice: LayoutChoice; icon: IconName; label: string }[] = [
  { choice: 'auto', icon: 'screen', label: 'Auto: a shared screen fills the stage' },
  { choice: 'speaker', icon: 'speaker', label: 'Speaker: whoever speaks, large' },
  { choice: 'grid', icon: 'grid', label: 'Grid: everyone the same size' },
];

/** How the stage is laid out; the choice is kept for the next call. */
export function LayoutPicker() {
  const [layout, choose] = useLayoutChoice();
  return (
    <div className={styles.picker} role="group" aria-label="Layout">
      {options.map(({ choice, icon, label }) => (
        <button
          key={choice}
          type="button"
          className={choice === layout ? `${styles.pick} ${styles.picked}` : styles.pick}
          data-testid={`layout_${choice}`}
          aria-pressed={choice === layout}
          aria-label={label}
          title={label}
          onClick={() => choose(choice)}
        >
          <Icon name={icon} size={18} />
        </button>
      ))}
    </div>
  );
}
