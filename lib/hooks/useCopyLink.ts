import { useCallback, useEffect, useState } from 'react';

function copyWithSelection(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.appendChild(field);
  field.select();
  // The old API is the only one that works on plain-http pages (no Clipboard API there).
  const done = document.execCommand('copy');
  field.remove();
  return done;
}

/** Copies text to the clipboard; `copied` is true for two seconds after success. */
export function useCopyLink(): { copied: boolean; copy: (text: string) => void } {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = useCallback((text: string) => {
    if (!navigator.clipboard) {
      setCopied(copyWithSelection(text));
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => setCopied(copyWithSelection(text)),
    );
  }, []);
  return { copied, copy };
}
