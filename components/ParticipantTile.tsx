import { useTranslations } from 'next-intl';
import { useCallback, useRef } from 'react';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useHasVideoFrames } from '@/lib/hooks/useHasVideoFrames';
import { useMediaElement } from '@/lib/hooks/useMediaElement';
import { useParticipant } from '@/lib/hooks/useParticipant';
import { useParticipantStream } from '@/lib/hooks/useParticipantStream';
import { ConnectionBadge } from './ConnectionBadge';
import { Icon } from './Icon';
import { initials } from './initials';
import { TileMeetingOverlay } from './panels/TileMeetingOverlay';
import { HostBadge } from './host/HostBadge';
import { HostMutedMark } from './host/HostMutedMark';
import { TileQuality } from './quality/TileQuality';

/** One person: their video (mine mirrored), or their initials when the camera is off. */
export function ParticipantTile({ id }: { id: string }) {
  const t = useTranslations('tile');
  const participant = useParticipant(id);
  const stream = useParticipantStream(id);
  const sinkId = useCallStore((state) => state.local.audioOutputId);
  const audioAllowed = useCallStore((state) => !state.audioBlocked);
  const setAudioBlocked = useCallStore((state) => state.setAudioBlocked);
  const ref = useRef<HTMLVideoElement>(null);
  const onAutoplayBlocked = useCallback(() => setAudioBlocked(true), [setAudioBlocked]);
  const isLocal = participant?.isLocal ?? false;
  useMediaElement(ref, stream, { muted: isLocal, sinkId, audioAllowed, onAutoplayBlocked });
  const hasFrames = useHasVideoFrames(ref, stream);
  if (!participant) return null;
  const { displayName, audioMuted, videoMuted, connection, speaking } = participant;
  const showVideo = !videoMuted && hasFrames;
  const label = isLocal ? t('you', { name: displayName }) : displayName;
  return (
    <figure
      className={speaking ? 'tile speaking' : 'tile'}
      data-testid={isLocal ? 'tile_local' : 'tile_remote'}
      data-participant-id={id}
      data-name={displayName}
      data-connection={connection}
      data-reconnecting={participant.reconnecting ?? false}
      data-audio-muted={audioMuted}
      data-video-muted={videoMuted}
      data-speaking={speaking}
      aria-label={label}
    >
      <video
        ref={ref}
        className={isLocal ? 'tile-video mirrored' : 'tile-video'}
        data-testid="tile_video"
        playsInline
        autoPlay
        muted={isLocal}
        style={{ visibility: showVideo ? 'visible' : 'hidden' }}
      />
      {!showVideo && (
        <div className="avatar" data-testid="tile_placeholder" aria-hidden="true">
          {initials(displayName)}
        </div>
      )}
      {participant.reconnecting ? null : <ConnectionBadge state={connection} />}
      <TileQuality participant={participant} />
      <TileMeetingOverlay participantId={id} name={displayName} />
      <figcaption className="tile-caption">
        {audioMuted && (
          <span
            className="tile-icon"
            data-testid="tile_audio_muted"
            role="img"
            aria-label={t('micOff')}
          >
            <Icon name="micOff" size={16} />
          </span>
        )}
        {videoMuted && (
          <span
            className="tile-icon"
            data-testid="tile_video_muted"
            role="img"
            aria-label={t('cameraOff')}
          >
            <Icon name="cameraOff" size={16} />
          </span>
        )}
        <span className="tile-name user-text" data-testid="tile_name" title={label}>
          {label}
        </span>
        <HostBadge participantId={id} testId="tile_host" />
        <HostMutedMark participantId={id} testId="tile_host_muted" />
      </figcaption>
    </figure>
  );
}
