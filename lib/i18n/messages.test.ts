import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  isArgumentElement,
  isDateElement,
  isNumberElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/errors';
import { reactionEmoji } from '../protocol/meeting';
import { shortcutKeys } from '../meeting/shortcuts';
import { locales } from './config';
import en from '../../messages/en';
import ko from '../../messages/ko';

type Tree = { [key: string]: string | Tree };

/** `{ a: { b: 'x' } }` → `['a.b', 'x']` pairs. */
function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[prefix + key, value]] : leaves(value, `${prefix}${key}.`),
  );
}

/** The ICU arguments and rich-text tags a message uses; parsing also proves it is valid ICU. */
function placeholdersOf(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]): void => {
    for (const element of elements) {
      if (isArgumentElement(element) || isNumberElement(element) || isDateElement(element)) {
        found.add(element.value);
      } else if (isSelectElement(element) || isPluralElement(element)) {
        found.add(element.value);
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (isTagElement(element)) {
        found.add(`<${element.value}>`);
        walk(element.children);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const root = join(import.meta.dirname, '../..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}
const files = ['app', 'components', 'lib'].flatMap((dir) => sources(join(root, dir)));
const code = new Map(files.map((path) => [relative(root, path), readFileSync(path, 'utf8')]));

const byLocale: Record<(typeof locales)[number], Tree> = { en, ko };
const enLeaves = new Map(leaves(en));

/** Keys looked up with a computed name: each is checked against what can reach it instead. */
const dynamic: Record<string, string[]> = {
  errors: [...Object.values(ErrorCode), 'TIMEOUT', 'unexpected'],
  media: ['denied', 'not-found', 'in-use', 'insecure', 'unknown'],
  'language.name': [...locales],
  'meeting.reaction': [...reactionEmoji],
  'meeting.shortcut': Object.keys(shortcutKeys),
};

describe('messages', () => {
  it.each(locales)('%s has exactly the English keys', (locale) => {
    const keys = leaves(byLocale[locale]).map(([key]) => key);
    expect(keys.sort()).toEqual([...enLeaves.keys()].sort());
  });

  it.each(locales)('%s has no empty message', (locale) => {
    for (const [key, value] of leaves(byLocale[locale])) expect(value.trim(), key).not.toBe('');
  });

  it('every message is valid ICU with the same arguments and tags as the English', () => {
    for (const [key, value] of leaves(ko)) {
      const english = enLeaves.get(key) ?? '';
      expect(placeholdersOf(value), key).toEqual(placeholdersOf(english));
    }
  });

  it('every error code and media problem has words', () => {
    for (const [namespace, keys] of Object.entries(dynamic)) {
      for (const key of keys) expect(enLeaves.has(`${namespace}.${key}`), key).toBe(true);
    }
  });

  it('every key is used by some page or component (no leftovers)', () => {
    const unused = [...enLeaves.keys()].filter((path) => {
      const group = Object.entries(dynamic).find(([ns]) => path.startsWith(`${ns}.`));
      if (group) return !group[1].includes(path.slice(group[0].length + 1));
      const [namespace = '', ...rest] = path.split('.');
      const key = rest.join('.');
      const scope = new RegExp(`Translations\\(\\s*'${namespace}'\\s*\\)`);
      return ![...code.values()].some(
        (text) => scope.test(text) && (text.includes(`'${key}'`) || text.includes(`"${key}"`)),
      );
    });
    expect(unused).toEqual([]);
  });
});
