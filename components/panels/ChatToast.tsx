import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';

const toastMs = 8000;

/** The newest message while the chat is closed, for a few seconds; a click opens the chat. */
export function ChatToast() {
  const t = useTranslations('meeting');
  const toast = useMeetingStore((state) => state.toast);
  const dismiss = useMeetingStore((state) => state.dismissToast);
  const toggle = useMeetingStore((state) => state.togglePanel);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => dismiss(toast.id), toastMs);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <div className="toast-region chat-toast-region" role="status" aria-live="polite">
      {toast && (
        <button
          type="button"
          className="toast chat-toast"
          data-testid="chat_toast"
          onClick={() => toggle('chat')}
        >
          <span className="chat-toast-title user-text">
            {t('toastFrom', { name: toast.senderName })}
          </span>
          <span className="chat-toast-text user-text">{toast.text}</span>
          <span className="visually-hidden">{t('openChat')}</span>
        </button>
      )}
    </div>
  );
}
