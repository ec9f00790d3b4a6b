import type { Locale } from './config';
import type en from '../../messages/en.json';

export type Messages = typeof en;

/** One JSON file per language; only the one a request needs is loaded. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  switch (locale) {
    case 'en': {
      return (await import('../../messages/en.json')).default;
    }
    case 'ko': {
      return (await import('../../messages/ko.json')).default;
    }
  }
}
