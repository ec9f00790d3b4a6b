'use client';

import { useTranslations } from 'next-intl';
import { useCallback } from 'react';

/**
 * A server or call error in the reader's language, by its code; the server's own (English)
 * message only for a code this build has no words for (a newer server).
 */
export function useErrorMessage(): (error: { code: string; message: string } | null) => string {
  const t = useTranslations('errors');
  return useCallback(
    (error) => {
      if (!error) return t('unexpected');
      const key = `${error.code}` as Parameters<typeof t>[0];
      return t.has(key) ? t(key) : error.message;
    },
    [t],
  );
}
