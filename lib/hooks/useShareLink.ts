import { useCallback, useEffect, useState } from 'react';
import { useCopyLink } from './useCopyLink';

export type ShareOutcome = 'shared' | 'copied' | null;

/**
 * Invites by the system share sheet where the browser has one (phones), else by the clipboard.
 * `outcome` says which happened, for two seconds, so the page can say so where it is visible.
 */
export function useShareLink(): { outcome: ShareOutcome; share: (url: string) => void } {
  const { copied, copy } = useCopyLink();
  const [shared, setShared] = useState(false);
  useEffect(() => {
    if (!shared) return;
    const timer = setTimeout(() => setShared(false), 2000);
    return () => clearTimeout(timer);
  }, [shared]);
  const share = useCallback(
    (url: string) => {
      if (typeof navigator.share !== 'function') {
        copy(url);
        return;
      }
      navigator.share({ title: 'Join my Moim meeting', url }).then(
        () => setShared(true),
        (error: unknown) => {
          // Closing the share sheet is a choice, not a failure; anything else falls back to copying.
          if (!(error instanceof DOMException && error.name === 'AbortError')) copy(url);
        },
      );
    },
    [copy],
  );
  return { outcome: shared ? 'shared' : copied ? 'copied' : null, share };
}
