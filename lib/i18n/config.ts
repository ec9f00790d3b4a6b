/**
 * The languages Moim speaks and how one is chosen. No locale in the URL (room links stay
 * `/room/<id>` for everyone): a remembered choice in a cookie wins, else the browser's
 * `Accept-Language`, else English.
 */
export const locales = ['en', 'ko'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** Set by the language menu; read by the server on every page request. */
export const localeCookie = 'moim_locale';
/** A year: the choice is a preference, not a session. */
export const localeCookieMaxAge = 60 * 60 * 24 * 365;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * The best of our locales for an `Accept-Language` header (RFC 9110 §12.5.4): ranges by
 * descending q, a range matching on its primary subtag (`ko-KR` → `ko`); null when none fits.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const ranges = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return {
        tag: tag.trim().toLowerCase(),
        quality: Number.isFinite(quality) ? quality : 0,
        index,
      };
    })
    .filter((range) => range.tag.length > 0 && range.quality > 0)
    // Stable for equal q: the header's own order breaks ties.
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranges) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
    if (tag === '*') return defaultLocale;
  }
  return null;
}

/** The locale of a request: the cookie if it names one of ours, else the header, else English. */
export function resolveLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookie)) return cookie;
  return negotiateLocale(acceptLanguage) ?? defaultLocale;
}
