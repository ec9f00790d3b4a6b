import { useFormatter, useTranslations } from 'next-intl';
import type { ChatMessage } from '@/lib/protocol';
import { ChatMessageText } from './ChatMessageText';

/** One message: who, when, whether private, and the text. */
export function ChatMessageItem({
  message,
  selfId,
}: {
  message: ChatMessage;
  selfId: string | null;
}) {
  const t = useTranslations('meeting');
  const format = useFormatter();
  const mine = message.senderId === selfId;
  const privacy = message.to
    ? message.to.id === selfId
      ? t('privateToYou')
      : t('privateTo', { name: message.to.name })
    : null;
  return (
    <li
      className={`chat-message${mine ? ' mine' : ''}${message.to ? ' private' : ''}`}
      data-testid="chat_message"
      data-sender-id={message.senderId}
    >
      <div className="chat-meta">
        <span className="chat-sender user-text" data-testid="chat_sender">
          {mine ? t('you') : message.senderName}
        </span>
        <time dateTime={new Date(message.sentAt).toISOString()}>
          {format.dateTime(message.sentAt, { hour: 'numeric', minute: '2-digit' })}
        </time>
        {privacy && (
          <span className="chat-private" data-testid="chat_private">
            {privacy}
          </span>
        )}
      </div>
      <ChatMessageText text={message.text} />
    </li>
  );
}
