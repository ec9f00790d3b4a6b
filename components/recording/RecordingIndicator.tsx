'use client';

import { useTranslations } from 'next-intl';
import { useRecording } from '@/lib/recording/recordingContext';
import styles from './Recording.module.css';

/** "Recording", in the header, for everyone in the call while the meeting is being recorded. */
export function RecordingIndicator() {
  const t = useTranslations('recording');
  const active = useRecording((view) => view.state.active);
  if (!active) return null;
  return (
    <span
      className={styles.indicator}
      data-testid="recording_indicator"
      title={t('indicatorLabel')}
    >
      <span className={styles.dot} aria-hidden="true" />
      <span aria-hidden="true">{t('indicator')}</span>
      <span className="visually-hidden">{t('indicatorLabel')}</span>
    </span>
  );
}
