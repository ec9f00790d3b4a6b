/** The README stays true: its first commands, its configuration table, its links and npm scripts. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import * as envModule from '../server/env';
import { schemaDefaults, schemaKeys } from './lib/env-schema';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

function envKeys(): string[] {
  const keys = Object.values(envModule as Record<string, unknown>)
    .map((value) => schemaKeys(value))
    .find((found): found is string[] => Array.isArray(found) && found.length > 0);
  if (!keys) throw new Error('server/env.ts exports no zod object schema');
  return keys;
}

/** Rows `| \`NAME\` | … |` of the table under a `## heading`. */
function tableRows(heading: string): Array<{ name: string; cells: string[] }> {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start + 1).split(/\n## /)[0] ?? '';
  const rows: Array<{ name: string; cells: string[] }> = [];
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|(.*)\|\s*$/.exec(line);
    if (match?.[1])
      rows.push({ name: match[1], cells: (match[2] ?? '').split('|').map((c) => c.trim()) });
  }
  return rows;
}

describe('README.md', () => {
  it('opens with exactly two commands: start the app, run every test', () => {
    const firstBlock = /^# [^\n]+\n+```(?:sh|bash|shell)\n([\s\S]*?)```/.exec(readme);
    expect(firstBlock, 'a title, then a shell code block').not.toBeNull();
    const commands = (firstBlock?.[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== '');
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
    expect(scripts.start).toMatch(/^npm run build && .*node dist\/server\.js$/);
    expect(scripts.test).toBe('node scripts/test.mjs');
  });

  it('lists every variable server/env.ts accepts in its configuration table, and no other', () => {
    expect(
      tableRows('Configuration')
        .map((row) => row.name)
        .sort(),
    ).toEqual(envKeys().sort());
  });

  it("gives server/env.ts's defaults in its configuration table", () => {
    const schema = Object.values(envModule as Record<string, unknown>).find((v) => schemaKeys(v));
    const defaults = schemaDefaults(schema);
    expect(defaults, 'the env schema parses an empty environment').toBeDefined();
    for (const row of tableRows('Configuration')) {
      const value = defaults?.[row.name];
      const documented = /^`([^`]*)`$/.exec(row.cells[0] ?? '')?.[1];
      const isDefault = value !== undefined && !(Array.isArray(value) && value.length === 0);
      if (isDefault) expect(documented, `default of ${row.name}`).toBe(String(value));
      else expect(row.cells[0], `${row.name} has no default`).toMatch(/^unset/);
    }
  });

  it('has .env.example documenting every variable server/env.ts accepts', () => {
    const example = read('.env.example');
    for (const key of envKeys()) {
      expect(example, `.env.example mentions ${key}`).toMatch(new RegExp(`^#?\\s*${key}=`, 'm'));
    }
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    const local = links.filter((link) => !/^(https?:|#|mailto:)/.test(link));
    expect(local.length).toBeGreaterThan(0);
    for (const link of local)
      expect(existsSync(join(root, link.split('#')[0] ?? '')), link).toBe(true);
  });

  it('names only npm scripts that exist', () => {
    for (const match of readme.matchAll(/npm run ([\w:-]+)/g)) {
      expect(Object.keys(scripts), `npm run ${match[1]}`).toContain(match[1]);
    }
  });
});
