import { useTranslations } from 'next-intl';
import { useCallback, useState } from 'react';
import { useErrorMessage } from '@/lib/i18n/useErrorMessage';

/**
 * Runs a host request and keeps its refusal to show (worded by its code): the server decides,
 * the UI says what it decided.
 */
export function useHostAction(): {
  error: string | null;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
} {
  const t = useTranslations('host');
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setError(null);
      try {
        await action();
        return true;
      } catch (caught) {
        const code = (caught as { code?: unknown }).code;
        const message = caught instanceof Error ? caught.message : String(caught);
        const reason = errorMessage({ code: typeof code === 'string' ? code : 'TIMEOUT', message });
        setError(t('failed', { reason }));
        return false;
      }
    },
    [errorMessage, t],
  );
  return { error, run };
}
