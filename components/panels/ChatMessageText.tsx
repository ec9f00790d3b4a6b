import { linkify } from '@/lib/meeting/linkify';

/**
 * A message's text as React text nodes (so markup shows as typed and never runs), with http(s)
 * links clickable in a new tab that gets no handle on this page.
 */
export function ChatMessageText({ text }: { text: string }) {
  return (
    <p className="chat-text user-text" data-testid="chat_text">
      {linkify(text).map((part, index) =>
        part.kind === 'text' ? (
          part.text
        ) : (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ),
      )}
    </p>
  );
}
