import { describe, expect, it } from 'vitest';
import { negotiateLocale, resolveLocale } from './config';

describe('negotiateLocale', () => {
  it('takes the highest q that we speak, matching on the primary subtag', () => {
    expect(negotiateLocale('ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('ko');
    expect(negotiateLocale('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLocale('fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.4')).toBe('ko');
    expect(negotiateLocale('en;q=0.2, ko;q=0.8')).toBe('ko');
  });

  it('keeps the header order for equal q and skips q=0', () => {
    expect(negotiateLocale('ko, en')).toBe('ko');
    expect(negotiateLocale('ko;q=0, en')).toBe('en');
  });

  it('has no answer for languages we do not speak or a missing header', () => {
    expect(negotiateLocale('fr, de;q=0.5')).toBeNull();
    expect(negotiateLocale('')).toBeNull();
    expect(negotiateLocale(null)).toBeNull();
    expect(negotiateLocale('*')).toBe('en');
    expect(negotiateLocale(';;,;q=abc')).toBeNull();
  });
});

describe('resolveLocale', () => {
  it('prefers the remembered choice, then the header, then English', () => {
    expect(resolveLocale('ko', 'en-US')).toBe('ko');
    expect(resolveLocale('en', 'ko')).toBe('en');
    expect(resolveLocale('xx', 'ko')).toBe('ko');
    expect(resolveLocale(undefined, 'de')).toBe('en');
  });
});
