'use client';

import { useTranslations } from 'next-intl';
import { useRecording } from '@/lib/recording/recordingContext';

/**
 * Says "recording started / stopped" to screen readers (a polite live region, always mounted so
 * the change is read) when the server tells this call of a change.
 */
export function RecordingAnnouncer() {
  const t = useTranslations('recording');
  const changes = useRecording((view) => view.changes);
  const state = useRecording((view) => view.state);
  let message = '';
  if (changes > 0) {
    if (state.active) message = t('started');
    else message = state.stopReason === 'media-error' ? t('stoppedMediaError') : t('stopped');
  }
  return (
    <div
      className="visually-hidden"
      role="status"
      aria-live="polite"
      data-testid="recording_announcement"
    >
      {message}
    </div>
  );
}
