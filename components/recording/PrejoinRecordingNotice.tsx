'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { recordingStatusPath } from '@/lib/protocol';
import styles from './Recording.module.css';

/** As often as the room status: a recording can start while someone reads the prejoin. */
const refreshMs = 3000;

/**
 * On the prejoin: "this meeting is being recorded", before the person decides to join. Anyone
 * with the room link may know this (it is what they consent to by joining).
 */
export function PrejoinRecordingNotice({ roomId }: { roomId: string }) {
  const t = useTranslations('recording');
  const [recording, setRecording] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      fetch(recordingStatusPath(roomId), { signal: controller.signal, cache: 'no-store' })
        .then(async (res) => {
          if (!res.ok) return;
          const body: unknown = await res.json();
          const value = typeof body === 'object' && body !== null && 'recording' in body;
          setRecording(value && (body as { recording: unknown }).recording === true);
        })
        .catch(() => undefined)
        .finally(() => {
          if (!controller.signal.aborted) timer = setTimeout(refresh, refreshMs);
        });
    };
    refresh();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [roomId]);
  if (!recording) return null;
  return (
    <p className="notice warning" role="status" data-testid="prejoin_recording">
      <span className={styles.dot} aria-hidden="true" /> {t('prejoinNotice')}
    </p>
  );
}
