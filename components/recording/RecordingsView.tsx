'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { storedHostCredential } from '@/lib/call/hostCredential';
import { recordingsListPath } from '@/lib/protocol';
import type { RecordingFileInfo, RecordingInfo, RecordingList } from '@/lib/protocol';
import styles from './Recording.module.css';

type Load =
  | { kind: 'loading' }
  | { kind: 'forbidden' }
  | { kind: 'failed' }
  | { kind: 'loaded'; recordings: RecordingInfo[] };

async function loadRecordings(roomId: string, signal: AbortSignal): Promise<Load> {
  const credential = storedHostCredential(roomId);
  if (credential === undefined) return { kind: 'forbidden' };
  const res = await fetch(recordingsListPath(roomId), {
    headers: { authorization: `Bearer ${credential}` },
    cache: 'no-store',
    signal,
  });
  if (res.status === 401 || res.status === 403) return { kind: 'forbidden' };
  if (!res.ok) return { kind: 'failed' };
  const list = (await res.json()) as RecordingList;
  return { kind: 'loaded', recordings: list.recordings };
}

/** The recordings page: every recording of the room, its files, a player and downloads. */
export function RecordingsView({ roomId }: { roomId: string }) {
  const t = useTranslations('recording');
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [playing, setPlaying] = useState<RecordingFileInfo | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    loadRecordings(roomId, controller.signal).then(setLoad, () => {
      if (!controller.signal.aborted) setLoad({ kind: 'failed' });
    });
    return () => controller.abort();
  }, [roomId]);

  return (
    <main className={styles.page} data-testid="recordings_page">
      <h1>{t('pageTitle', { roomId })}</h1>
      <p>
        <a className="link-button" href={`/room/${encodeURIComponent(roomId)}`}>
          {t('backToMeeting')}
        </a>
      </p>
      {load.kind === 'loading' && <p role="status">{t('loading')}</p>}
      {load.kind === 'forbidden' && (
        <p className="notice warning" role="alert" data-testid="recordings_forbidden">
          {t('hostsOnly')}
        </p>
      )}
      {load.kind === 'failed' && (
        <p className="notice warning" role="alert">
          {t('loadFailed')}
        </p>
      )}
      {load.kind === 'loaded' && load.recordings.length === 0 && <p>{t('empty')}</p>}
      {playing?.url && (
        <section
          aria-label={t('playing', {
            name: playing.displayName,
            source: playing.source === 'camera' ? t('camera') : t('screen'),
          })}
        >
          <video
            key={playing.url}
            className={styles.player}
            data-testid="recording_player"
            src={playing.url}
            controls
            autoPlay
            muted
            playsInline
          />
        </section>
      )}
      {load.kind === 'loaded' &&
        load.recordings.map((recording) => (
          <RecordingSection key={recording.id} recording={recording} onPlay={setPlaying} />
        ))}
      {load.kind === 'loaded' && load.recordings.length > 0 && (
        <p className="muted">{t('mixedLater')}</p>
      )}
    </main>
  );
}

function RecordingSection(props: {
  recording: RecordingInfo;
  onPlay: (file: RecordingFileInfo) => void;
}) {
  const { recording, onPlay } = props;
  const t = useTranslations('recording');
  const startedAt = new Date(recording.startedAt);
  return (
    <section data-testid="recording" aria-labelledby={`recording-${recording.id}`}>
      <h2 id={`recording-${recording.id}`}>
        {t('recordingOf', { startedAt, name: recording.startedBy })}
        {recording.stoppedAt === null && <> · {t('inProgress')}</>}
      </h2>
      <table className={styles.table}>
        <thead>
          <tr>
            <th scope="col">{t('participant')}</th>
            <th scope="col">{t('source')}</th>
            <th scope="col">{t('startsAt')}</th>
            <th scope="col">{t('duration')}</th>
            <th scope="col">{t('size')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {recording.files.map((file) => (
            <tr key={file.file} data-testid="recording_file" data-name={file.displayName}>
              <td>{file.displayName}</td>
              <td>{file.source === 'camera' ? t('camera') : t('screen')}</td>
              {/* Where the file lines up in the recording (a later part starts later). */}
              <td>{t('seconds', { seconds: Math.round(file.startOffsetMs / 1000) })}</td>
              <td>
                {file.durationMs === null
                  ? t('inProgress')
                  : t('seconds', { seconds: Math.round(file.durationMs / 1000) })}
              </td>
              <td>{t('kilobytes', { size: Math.max(1, Math.round(file.sizeBytes / 1024)) })}</td>
              <td>
                {file.url && (
                  <>
                    <button
                      type="button"
                      className="link-button"
                      data-testid="recording_play"
                      onClick={() => onPlay(file)}
                    >
                      {t('play')}
                    </button>{' '}
                    <a className="link-button" href={`${file.url}&download=1`} download>
                      {t('download')}
                    </a>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
