/** A piece of a chat message: plain text, or an http(s) link to make clickable. */
export type TextPart =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A URL ends at whitespace or at characters that cannot end one in running text.
const candidate = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const trailing = new Set([...'.,;:!?)]}\'"»」』']);

/**
 * Splits text into text and links, for rendering as React text nodes and anchors (never HTML).
 * Only absolute http and https URLs become links; `javascript:` and the rest stay text.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(candidate)) {
    const start = match.index;
    const raw = trimEnd(match[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** "see https://x.org/a." ends the sentence, not the URL; a balanced "(…)" stays in it. */
function trimEnd(raw: string): string {
  let end = raw.length;
  while (end > 0 && trailing.has(raw[end - 1] ?? '')) {
    const part = raw.slice(0, end);
    const balanced = part.split('(').length - 1 >= part.split(')').length - 1;
    if (raw[end - 1] === ')' && balanced) break;
    end -= 1;
  }
  return raw.slice(0, end);
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
