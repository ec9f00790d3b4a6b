import { useTranslations } from 'next-intl';
import type { ParticipantView } from '@/lib/store/types';
import styles from './Quality.module.css';

/**
 * On a tile: "Reconnecting…" while the person's signaling is lost (the server's grace period),
 * otherwise three bars for how their connection does (good, fair, poor), once measured.
 */
export function TileQuality({ participant }: { participant: ParticipantView }) {
  const t = useTranslations('quality');
  if (participant.reconnecting) {
    return (
      <span className={styles.reconnecting} data-testid="tile_reconnecting" role="status">
        {t('reconnecting')}
      </span>
    );
  }
  const level = participant.quality;
  if (!level) return null;
  // Spelled out: the i18n check finds every key used in the code.
  const label = { good: t('level.good'), fair: t('level.fair'), poor: t('level.poor') }[level];
  return (
    <span
      className={`${styles.indicator} ${styles[level]}`}
      data-testid="tile_quality"
      data-quality={level}
      role="img"
      aria-label={label}
      title={label}
    >
      <span className={styles.bar} />
      <span className={styles.bar} />
      <span className={styles.bar} />
    </span>
  );
}
