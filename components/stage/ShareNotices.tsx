import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from '../Icon';

/** "You are sharing" while my share runs; why it could not start when it could not. */
export function ShareNotices() {
  const t = useTranslations('stage');
  const tn = useTranslations('notices');
  const sharing = useCallStore((state) => state.local.screenShare === 'on');
  const shareError = useCallStore((state) => state.shareError);
  const setShareError = useCallStore((state) => state.setShareError);
  return (
    <div className="notices" aria-live="polite">
      {sharing && (
        <div className="notice" role="status" data-testid="banner_sharing">
          <Icon name="screen" size={18} /> {t('sharingBanner')}
        </div>
      )}
      {shareError && (
        <div className="notice warning" role="alert" data-testid="banner_share_error">
          <Icon name="warning" size={18} />{' '}
          {shareError === 'blocked'
            ? t('shareBlocked')
            : shareError === 'unsupported'
              ? t('shareUnsupported')
              : t('shareFailed')}
          <button type="button" className="link-button" onClick={() => setShareError(null)}>
            {tn('dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
