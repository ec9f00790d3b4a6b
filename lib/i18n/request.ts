import { getRequestConfig } from 'next-intl/server';
import { cookies, headers } from 'next/headers';
import { localeCookie, resolveLocale, type Locale } from './config';
import { loadMessages } from './messages';

/** next-intl's per-request configuration (named in next.config.ts): locale and its messages. */
export default getRequestConfig(async () => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const locale: Locale = resolveLocale(
    cookieStore.get(localeCookie)?.value,
    headerList.get('accept-language'),
  );
  return { locale, messages: await loadMessages(locale) };
});
