import { useTranslations } from 'next-intl';
import { useAccessStore } from '@/lib/access/accessContext';
import { mutedByHost } from '@/lib/access/accessStore';

/**
 * "Muted by the host" beside someone's microphone (and "camera off by the host"), for everyone,
 * as long as the server says a host keeps it off: until they unmute themselves (when the room
 * allows it) or a host lifts it.
 */
export function HostMutedMark({
  participantId,
  testId,
}: {
  participantId: string;
  testId: string;
}) {
  const t = useTranslations('host');
  const audio = useAccessStore((state) => mutedByHost(state, participantId, 'audio'));
  const video = useAccessStore((state) => mutedByHost(state, participantId, 'video'));
  if (!audio && !video) return null;
  const text =
    audio && video ? t('bothOffByHost') : audio ? t('mutedByHost') : t('cameraOffByHost');
  return (
    <span
      className="pill small host-muted"
      data-testid={testId}
      data-audio={audio}
      data-video={video}
    >
      {text}
    </span>
  );
}
