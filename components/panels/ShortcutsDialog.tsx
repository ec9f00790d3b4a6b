import { useTranslations } from 'next-intl';
import { useRef } from 'react';
import { useFocusTrap } from '@/lib/hooks/useFocusTrap';
import { shortcutKeys, type ShortcutAction } from '@/lib/meeting/shortcuts';
import { Icon } from '../Icon';

/** `?`: the list of shortcuts, as a modal dialog. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslations('meeting');
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);
  const actions = Object.keys(shortcutKeys) as ShortcutAction[];
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="card dialog"
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts_dialog"
        onClick={(event) => event.stopPropagation()}
      >
        <header className="panel-header">
          <h2 id="shortcuts-title">{t('shortcuts')}</h2>
          <button
            type="button"
            className="round small"
            aria-label={t('close')}
            title={t('close')}
            data-autofocus
            onClick={onClose}
          >
            <Icon name="close" size={18} />
          </button>
        </header>
        <dl className="shortcut-list">
          {actions.map((action) => (
            <div key={action} className="shortcut">
              <dt>
                <kbd>{shortcutKeys[action].toUpperCase()}</kbd>
              </dt>
              <dd>{t(`shortcut.${action}`)}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">{t('shortcutsHint')}</p>
      </div>
    </div>
  );
}
