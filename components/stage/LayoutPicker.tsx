import { useTranslations } from 'next-intl';
import type { IconName } from '../Icon';
import { Icon } from '../Icon';
import { useLayoutChoice } from '@/lib/hooks/useLayoutChoice';
import type { LayoutChoice } from '@/lib/store/layoutSlice';
import styles from './Stage.module.css';

const options: { choice: LayoutChoice; icon: IconName }[] = [
  { choice: 'auto', icon: 'screen' },
  { choice: 'speaker', icon: 'speaker' },
  { choice: 'grid', icon: 'grid' },
];

/** How the stage is laid out; the choice is kept for the next call. */
export function LayoutPicker() {
  const t = useTranslations('stage');
  const [layout, choose] = useLayoutChoice();
  const labels: Record<LayoutChoice, string> = {
    auto: t('layoutAuto'),
    speaker: t('layoutSpeaker'),
    grid: t('layoutGrid'),
  };
  return (
    <div className={styles.picker} role="group" aria-label={t('layout')}>
      {options.map(({ choice, icon }) => {
        const label = labels[choice];
        return (
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
        );
      })}
    </div>
  );
}
