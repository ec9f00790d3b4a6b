import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { useMeetingClient } from '@/lib/hooks/useMeetingClient';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import { ChatComposer } from './ChatComposer';
import { ChatMessageItem } from './ChatMessageItem';
import { PanelSheet } from './PanelSheet';

/** The conversation (a live log for screen readers) and the input. */
export function ChatPanel({ onClose }: { onClose: () => void }) {
  const t = useTranslations('meeting');
  const client = useMeetingClient();
  const messages = useMeetingStore((state) => state.messages);
  const listRef = useRef<HTMLDivElement>(null);
  // Follow the conversation: the newest message in view.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);
  return (
    <PanelSheet id="chat-panel" title={t('chat')} testId="chat_panel" onClose={onClose}>
      {messages.length === 0 ? <p className="muted panel-empty">{t('chatEmpty')}</p> : null}
      {/* The live region wraps the list: a role on the <ol> itself would take away its list
          semantics, and its <li>s would be list items outside a list (axe: "listitem"). */}
      <div
        className="chat-list"
        ref={listRef}
        role="log"
        aria-live="polite"
        aria-label={t('chat')}
        data-testid="chat_list"
        tabIndex={0}
      >
        <ol className="chat-messages">
          {messages.map((message) => (
            <ChatMessageItem key={message.id} message={message} selfId={client.selfId} />
          ))}
        </ol>
      </div>
      <ChatComposer />
    </PanelSheet>
  );
}
