import { useShareLink } from '@/lib/hooks/useShareLink';
import { Icon } from './Icon';

const toastText = { copied: 'Invite link copied', shared: 'Invite link shared' } as const;

/**
 * Shares this room's link (share sheet on phones, clipboard elsewhere). The result shows as a
 * toast, because on a phone the button is icon-only and its own label is hidden.
 */
export function InviteButton() {
  const { outcome, share } = useShareLink();
  return (
    <>
      <button
        type="button"
        className="round wide"
        data-testid="control_copy_link"
        aria-label="Invite: share or copy the link"
        title="Invite: share or copy the link"
        onClick={() => share(window.location.href.split('#')[0] ?? window.location.href)}
      >
        <Icon name="link" />
        <span className="wide-label">{outcome === 'copied' ? 'Copied' : 'Invite'}</span>
      </button>
      <div className="toast-region" role="status" aria-live="polite">
        {outcome && (
          <p className="toast" data-testid="toast">
            {toastText[outcome]}
          </p>
        )}
      </div>
    </>
  );
}
