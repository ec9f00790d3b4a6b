import type { Locale } from './config';
import type { Messages } from '../../messages/en';

export type { Messages };

/** One set of namespace files per language (`messages/<locale>/`); only the one a request needs is loaded. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  switch (locale) {
    case 'en': {
      return (await import('../../messages/en')).default;
    }
    case 'ko': {
      return (await import('../../messages/ko')).default;
    }
  }
}
