import { useCopyLink } from '@/lib/hooks/useCopyLink';
import { Icon } from './Icon';

/** Copies this room's link; says "Copied" (also to screen readers) for two seconds. */
export function InviteButton() {
  const { copied, copy } = useCopyLink();
  return (
    <button
      type="button"
      className="round wide"
      data-testid="control_copy_link"
      title="Copy invite link"
      onClick={() => copy(window.location.href.split('#')[0] ?? window.location.href)}
    >
      <Icon name="link" />
      <span className="wide-label" aria-live="polite">
        {copied ? 'Copied' : 'Invite'}
      </span>
    </button>
  );
}
