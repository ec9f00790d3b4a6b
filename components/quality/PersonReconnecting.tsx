import { useTranslations } from 'next-intl';
import styles from './Quality.module.css';

/**
 * In the people panel: "Reconnecting…" beside someone whose signaling is lost (the server's grace
 * period), so the list says what their tile says instead of showing them as simply present.
 */
export function PersonReconnecting({ reconnecting }: { reconnecting: boolean | undefined }) {
  const t = useTranslations('quality');
  if (!reconnecting) return null;
  return (
    <span className={styles.personReconnecting} data-testid="person_reconnecting" role="status">
      {t('reconnecting')}
    </span>
  );
}
