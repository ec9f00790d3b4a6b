import { useTranslations } from 'next-intl';
import { useShareLink } from '@/lib/hooks/useShareLink';
import { Icon } from './Icon';

const toastKey = { copied: 'inviteCopied', shared: 'inviteShared' } as const;

/**
 * Shares this room's link (share sheet on phones, clipboard elsewhere). The result shows as a
 * toast, because on a phone the button is icon-only and its own label is hidden.
 */
export function InviteButton() {
  const t = useTranslations('call');
  const { outcome, share } = useShareLink();
  return (
    <>
      <button
        type="button"
        className="round wide"
        data-testid="control_copy_link"
        aria-label={t('inviteLabel')}
        title={t('inviteLabel')}
        onClick={() => share(window.location.href.split('#')[0] ?? window.location.href)}
      >
        <Icon name="link" />
        <span className="wide-label">{outcome === 'copied' ? t('copied') : t('invite')}</span>
      </button>
      <div className="toast-region" role="status" aria-live="polite">
        {outcome && (
          <p className="toast" data-testid="toast">
            {t(toastKey[outcome])}
          </p>
        )}
      </div>
    </>
  );
}
