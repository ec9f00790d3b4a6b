'use client';

import { useTranslations } from 'next-intl';
import { useErrorMessage } from '@/lib/i18n/useErrorMessage';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useRecording, useRecordingClient } from '@/lib/recording/recordingContext';
import styles from './Recording.module.css';

/**
 * For hosts: start or stop recording the meeting, and a link to its recordings. Others see
 * nothing here (the server refuses them anyway); everyone sees the header's indicator.
 */
export function RecordButton() {
  const t = useTranslations('recording');
  const errorMessage = useErrorMessage();
  const client = useRecordingClient();
  const roomId = useCallStore((state) => state.roomId);
  const isHost = useRecording((view) => view.isHost);
  const active = useRecording((view) => view.state.active);
  const pending = useRecording((view) => view.pending);
  const error = useRecording((view) => view.error);
  if (!isHost) return null;
  return (
    <span className={styles.group}>
      <button
        type="button"
        className={active ? `round wide ${styles.recordOn}` : 'round wide'}
        data-testid="control_record"
        data-state={active ? 'on' : 'off'}
        aria-label={active ? t('stopLabel') : t('recordLabel')}
        aria-pressed={active}
        disabled={pending}
        onClick={() => void (active ? client.stop() : client.start())}
      >
        <span className={styles.dot} aria-hidden="true" />
        <span className="wide-label">{active ? t('stop') : t('record')}</span>
      </button>
      <a
        className="link-button"
        href={`/room/${encodeURIComponent(roomId)}/recordings`}
        target="_blank"
        rel="noopener noreferrer"
        data-testid="link_recordings"
      >
        {t('viewRecordings')}
      </a>
      {error && (
        <span className={styles.error} role="alert">
          {errorMessage({ code: error, message: error })}
        </span>
      )}
    </span>
  );
}
