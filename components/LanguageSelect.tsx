'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useId } from 'react';
import { isLocale, locales } from '@/lib/i18n/config';
import { useSwitchLocale } from '@/lib/i18n/useSwitchLocale';

/** Language picker; each language is named in itself, so anyone can find their own. */
export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const t = useTranslations('language');
  const locale = useLocale();
  const id = useId();
  const { switchLocale, pending } = useSwitchLocale();
  return (
    <div className={compact ? 'field language compact' : 'field language'}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('label')}
      </label>
      <select
        id={id}
        data-testid="language_select"
        value={locale}
        aria-busy={pending}
        onChange={(event) => {
          if (isLocale(event.target.value)) switchLocale(event.target.value);
        }}
      >
        {locales.map((option) => (
          <option key={option} value={option} lang={option}>
            {t(`name.${option}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
