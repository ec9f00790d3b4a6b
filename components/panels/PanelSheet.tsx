import { useTranslations } from 'next-intl';
import { useRef, type ReactNode } from 'react';
import { useFocusTrap } from '@/lib/hooks/useFocusTrap';
import { Icon } from '../Icon';

/**
 * A side panel (a full-screen sheet on a phone): a labelled dialog that keeps focus inside while
 * open, closes on Escape or its close button, and gives focus back to what opened it.
 */
export function PanelSheet(props: {
  id: string;
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const { id, title, testId, onClose, children } = props;
  const t = useTranslations('meeting');
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref, onClose);
  const titleId = `${id}-title`;
  return (
    <aside
      className="panel-sheet"
      id={id}
      ref={ref}
      role="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      tabIndex={-1}
    >
      <header className="panel-header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="round small"
          aria-label={t('close')}
          title={t('close')}
          data-testid="panel_close"
          onClick={onClose}
        >
          <Icon name="close" size={18} />
        </button>
      </header>
      {children}
    </aside>
  );
}
