import { useTranslations } from 'next-intl';
import type { ParticipantView } from '@/lib/store/types';
import { Icon } from '../Icon';
import { initials } from '../initials';
import { HostBadge } from '../host/HostBadge';
import { HostMutedMark } from '../host/HostMutedMark';
import { PersonMenu } from '../host/PersonMenu';
import { PersonReconnecting } from '../quality/PersonReconnecting';
import { useIsHost } from '@/lib/access/accessContext';

/** One person in the people panel: name, "(you)", reconnecting, mic, camera, speaking, hand. */
export function PersonRow({
  participant,
  handPosition,
}: {
  participant: ParticipantView;
  /** 1-based place in the hand queue; null when the hand is down. */
  handPosition: number | null;
}) {
  const t = useTranslations('meeting');
  const { displayName, isLocal, audioMuted, videoMuted, speaking } = participant;
  const iAmHost = useIsHost();
  return (
    <li
      className={speaking ? 'person speaking' : 'person'}
      data-testid="person"
      data-participant-id={participant.id}
      data-name={displayName}
      data-speaking={speaking}
      data-hand={handPosition ?? undefined}
      data-reconnecting={participant.reconnecting ?? false}
    >
      <span className="person-avatar" aria-hidden="true">
        {initials(displayName)}
      </span>
      <span className="person-name user-text" data-testid="person_name">
        {displayName}
        {isLocal && <span className="muted"> {t('youSuffix')}</span>}
      </span>
      <HostBadge participantId={participant.id} testId="person_host" />
      <HostMutedMark participantId={participant.id} testId="person_host_muted" />
      <span className="person-state">
        <PersonReconnecting reconnecting={participant.reconnecting} />
        {handPosition !== null && (
          <span
            className="person-hand"
            role="img"
            data-testid="person_hand"
            aria-label={t('handRaised', { position: handPosition })}
            title={t('handRaised', { position: handPosition })}
          >
            <Icon name="hand" size={16} />
            {handPosition}
          </span>
        )}
        {speaking && (
          <span className="person-speaking" role="img" aria-label={t('speaking')}>
            <Icon name="volume" size={16} />
          </span>
        )}
        <span
          role="img"
          data-testid="person_mic"
          data-muted={audioMuted}
          aria-label={audioMuted ? t('micOff') : t('micOn')}
          className={audioMuted ? 'off' : undefined}
        >
          <Icon name={audioMuted ? 'micOff' : 'mic'} size={16} />
        </span>
        <span
          role="img"
          data-testid="person_camera"
          data-muted={videoMuted}
          aria-label={videoMuted ? t('cameraOff') : t('cameraOn')}
          className={videoMuted ? 'off' : undefined}
        >
          <Icon name={videoMuted ? 'cameraOff' : 'camera'} size={16} />
        </span>
        {iAmHost && !isLocal && (
          <PersonMenu
            participantId={participant.id}
            name={displayName}
            handRaised={handPosition !== null}
          />
        )}
      </span>
    </li>
  );
}
