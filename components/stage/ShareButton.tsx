import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from '../Icon';
import styles from './Stage.module.css';

/** Alt+Shift+S starts or stops my share (not while typing in a field). */
const shortcut = 'Alt+Shift+S';

function isShortcut(event: KeyboardEvent): boolean {
  return (
    event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyS'
  );
}

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Share my screen, or stop sharing it; the button says which, and so does its state. */
export function ShareButton() {
  const t = useTranslations('stage');
  const session = useCallSession();
  const share = useCallStore((state) => state.local.screenShare);
  const toggle =
    share === 'on' ? () => session.stopScreenShare() : () => void session.startScreenShare();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcut(event) || typing(event.target)) return;
      event.preventDefault();
      if (share === 'on') session.stopScreenShare();
      else if (share === 'off') void session.startScreenShare();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session, share]);

  const label = share === 'on' ? t('stopShare') : t('share');
  return (
    <button
      type="button"
      className={share === 'on' ? `round ${styles.shareOn}` : 'round'}
      data-testid="control_share"
      data-state={share}
      aria-label={label}
      aria-pressed={share === 'on'}
      aria-keyshortcuts={shortcut}
      title={`${label} (${shortcut})`}
      disabled={share === 'starting'}
      onClick={toggle}
    >
      <Icon name={share === 'on' ? 'screenOff' : 'screen'} />
    </button>
  );
}
