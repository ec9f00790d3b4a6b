import type { Locale } from './config';
import type { Messages } from './messages';

// next-intl checks every `t('key')` against the English messages at compile time.
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
