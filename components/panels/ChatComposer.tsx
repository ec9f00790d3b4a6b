import { useTranslations } from 'next-intl';
import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useMeetingClient } from '@/lib/hooks/useMeetingClient';
import { useErrorMessage } from '@/lib/i18n/useErrorMessage';
import { MeetingRequestError } from '@/lib/meeting/MeetingClient';
import { meetingLimits } from '@/lib/protocol';
import { Icon } from '../Icon';

/** The chat input: Enter sends, Shift+Enter starts a new line; to everyone or one person. */
export function ChatComposer() {
  const t = useTranslations('meeting');
  const errorMessage = useErrorMessage();
  const client = useMeetingClient();
  const inputId = useId();
  const recipientId = useId();
  const errorId = useId();
  const order = useCallStore((state) => state.order);
  const participants = useCallStore((state) => state.participants);
  const others = useMemo(
    () =>
      order.flatMap((id) => {
        const person = participants[id];
        return person && !person.isLocal ? [{ id, name: person.displayName }] : [];
      }),
    [order, participants],
  );
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  // Someone chosen who has left: back to everyone.
  const recipient = others.find((other) => other.id === to);
  const left = meetingLimits.chatMaxLength - text.length;

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    if (sending || text.trim().length === 0) return;
    setSending(true);
    try {
      await client.sendChat(text, recipient?.id);
      setText('');
      setError(null);
    } catch (failure) {
      setError(
        failure instanceof MeetingRequestError
          ? { code: failure.code, message: failure.message }
          : { code: 'TIMEOUT', message: String(failure) },
      );
    } finally {
      setSending(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form className="chat-composer" onSubmit={(event) => void send(event)}>
      <div className="chat-recipient">
        <label htmlFor={recipientId}>{t('recipient')}</label>
        <select
          id={recipientId}
          data-testid="chat_recipient"
          value={recipient?.id ?? ''}
          onChange={(event) => setTo(event.target.value)}
        >
          <option value="">{t('everyone')}</option>
          {others.map((other) => (
            <option key={other.id} value={other.id}>
              {other.name}
            </option>
          ))}
        </select>
      </div>
      <div className="chat-input-row">
        <label htmlFor={inputId} className="visually-hidden">
          {t('messageLabel')}
        </label>
        <textarea
          id={inputId}
          data-testid="chat_input"
          data-autofocus
          rows={2}
          value={text}
          maxLength={meetingLimits.chatMaxLength}
          placeholder={
            recipient ? t('placeholderPrivate', { name: recipient.name }) : t('placeholderEveryone')
          }
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button
          type="submit"
          className="round small primary"
          data-testid="chat_send"
          aria-label={sending ? t('sending') : t('send')}
          title={t('send')}
          disabled={sending || text.trim().length === 0}
        >
          <Icon name="send" size={18} />
        </button>
      </div>
      {left < 200 && (
        <p className="muted chat-left" aria-live="polite">
          {t('charactersLeft', { count: left })}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert" data-testid="chat_error">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}
