import { useTranslations } from 'next-intl';
import { useCallback, useRef } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useHasVideoFrames } from '@/lib/hooks/useHasVideoFrames';
import { useMediaElement } from '@/lib/hooks/useMediaElement';
import { useStream } from '@/lib/hooks/useStream';
import { ConnectionBadge } from '../ConnectionBadge';
import { Icon } from '../Icon';
import styles from './Stage.module.css';

/**
 * One screen share. Someone else's plays (contained, never cropped: it is text); mine shows a
 * placeholder instead of itself, which would otherwise repeat inside itself forever.
 */
export function ScreenTile({ id }: { id: string }) {
  const screen = useCallStore((state) => state.screens[id]);
  const owner = useCallStore((state) =>
    screen ? state.participants[screen.participantId] : undefined,
  );
  if (!screen) return null;
  const name = owner?.displayName ?? '';
  return screen.isLocal ? <LocalScreen name={name} /> : <RemoteScreen id={id} name={name} />;
}

function LocalScreen({ name }: { name: string }) {
  const t = useTranslations('stage');
  const session = useCallSession();
  return (
    <figure
      className={`tile ${styles.screen} ${styles.localScreen}`}
      data-testid="tile_screen_local"
      data-name={name}
      aria-label={t('yourShare')}
    >
      <div className={styles.sharingNote} role="status">
        <Icon name="screen" size={32} />
        <p>{t('youAreSharing')}</p>
        <button
          type="button"
          className="button"
          data-testid="screen_stop_tile"
          onClick={() => session.stopScreenShare()}
        >
          {t('stopSharing')}
        </button>
      </div>
    </figure>
  );
}

function RemoteScreen({ id, name }: { id: string; name: string }) {
  const t = useTranslations('stage');
  const stream = useStream(id);
  const sinkId = useCallStore((state) => state.local.audioOutputId);
  const audioAllowed = useCallStore((state) => !state.audioBlocked);
  const setAudioBlocked = useCallStore((state) => state.setAudioBlocked);
  const connection = useCallStore((state) => state.screens[id]?.connection ?? 'new');
  const ref = useRef<HTMLVideoElement>(null);
  const onAutoplayBlocked = useCallback(() => setAudioBlocked(true), [setAudioBlocked]);
  useMediaElement(ref, stream, { muted: false, sinkId, audioAllowed, onAutoplayBlocked });
  const hasFrames = useHasVideoFrames(ref, stream);
  const label = t('screenOf', { name });
  return (
    <figure
      className={`tile ${styles.screen}`}
      data-testid="tile_screen"
      data-publication-id={id}
      data-name={name}
      data-connection={connection}
      aria-label={label}
    >
      <video
        ref={ref}
        className={`tile-video ${styles.screenVideo}`}
        data-testid="tile_video"
        playsInline
        autoPlay
        style={{ visibility: hasFrames ? 'visible' : 'hidden' }}
      />
      <ConnectionBadge state={connection} />
      <figcaption className="tile-caption">
        <span className="tile-icon" aria-hidden="true">
          <Icon name="screen" size={16} />
        </span>
        <span className="tile-name" data-testid="tile_name" title={label}>
          {label}
        </span>
      </figcaption>
    </figure>
  );
}
