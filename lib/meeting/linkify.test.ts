import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('finds http and https links in running text, without the sentence punctuation', () => {
    expect(linkify('see https://example.org/a?b=1. and http://x.test/(y)!')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.test/(y)', href: 'http://x.test/(y)' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('leaves other schemes and markup as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '<a href="javascript:alert(1)">x</a>',
      'ftp://example.org',
      '<img src=x onerror=alert(1)>',
    ]) {
      expect(linkify(text).every((part) => part.kind === 'text')).toBe(true);
      expect(
        linkify(text)
          .map((part) => part.text)
          .join(''),
      ).toBe(text);
    }
  });

  it('stops a link at quotes and angle brackets', () => {
    const parts = linkify('<https://example.org/"onmouseover=alert(1)>');
    expect(parts.find((part) => part.kind === 'link')).toMatchObject({
      href: 'https://example.org/',
    });
    expect(parts.map((part) => part.text).join('')).toBe(
      '<https://example.org/"onmouseover=alert(1)>',
    );
  });

  it('keeps Korean text around a link', () => {
    expect(linkify('자료: https://example.org/문서 확인').map((part) => part.kind)).toEqual([
      'text',
      'link',
      'text',
    ]);
  });
});
