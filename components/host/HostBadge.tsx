import { useTranslations } from 'next-intl';
import { useAccessStore } from '@/lib/access/accessContext';

/** "Host" beside a name (people panel, tile caption), when the server says they are host. */
export function HostBadge({ participantId, testId }: { participantId: string; testId: string }) {
  const t = useTranslations('host');
  const isHost = useAccessStore((state) => state.roles[participantId] === 'host');
  if (!isHost) return null;
  return (
    <span className="pill small host-badge" data-testid={testId}>
      {t('badge')}
    </span>
  );
}
