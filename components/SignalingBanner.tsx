import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useSecondsUntil } from '@/lib/hooks/useSecondsUntil';
import { Icon } from './Icon';

function Countdown({ at }: { at: number }) {
  const t = useTranslations('notices');
  const seconds = useSecondsUntil(at);
  return <>{seconds > 0 ? t('reconnectingIn', { seconds }) : t('reconnecting')}</>;
}

/** The signaling connection is down: lost (a crash, the network) or a planned restart. */
export function SignalingBanner() {
  const t = useTranslations('notices');
  const signaling = useCallStore((state) => state.signaling);
  const retryAt = useCallStore((state) => state.retryAt);
  if (signaling === 'restarting') {
    return (
      <div className="notice info" role="status" data-testid="banner_restarting">
        <Icon name="warning" size={18} /> {t('restarting')}{' '}
        {retryAt === null ? t('reconnecting') : <Countdown key={retryAt} at={retryAt} />}
      </div>
    );
  }
  if (signaling !== 'lost') return null;
  return (
    <div className="notice danger" role="status" data-testid="banner_signaling">
      <Icon name="warning" size={18} /> {t('lost')}
    </div>
  );
}
