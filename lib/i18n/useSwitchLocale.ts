'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { localeCookie, localeCookieMaxAge, type Locale } from './config';

/**
 * Switches the language in place: the choice goes into the cookie the server reads, and a
 * router refresh re-renders the server components (layout, messages, `<html lang>`) without
 * reloading the document, so a call in progress keeps its connections and state.
 */
export function useSwitchLocale(): { switchLocale: (locale: Locale) => void; pending: boolean } {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const switchLocale = useCallback(
    (locale: Locale) => {
      document.cookie = `${localeCookie}=${locale}; path=/; max-age=${localeCookieMaxAge}; samesite=lax`;
      startTransition(() => router.refresh());
    },
    [router],
  );
  return { switchLocale, pending };
}
