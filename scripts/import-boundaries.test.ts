/**
 * DESIGN.md's import table is enforced by ESLint (`import/no-restricted-paths` in eslint.config.mjs).
 * This lints small sources as if they lived in each folder, with the project's real configuration, and
 * checks that a forbidden import fails lint while an allowed one passes.
 */
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// The fixtures do not exist on disk, so the type-aware parser must be told to accept them.
const FIXTURES = [
  'media-server/lint-fixture.ts',
  'lib/protocol/lint-fixture.ts',
  'lib/call/lint-fixture.ts',
  'components/LintFixture.tsx',
  'server/lint-fixture.ts',
  'server/rooms/lint-fixture.ts',
];
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    files: FIXTURES,
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: FIXTURES } } },
  },
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  const parseErrors = result.messages.filter((message) => message.ruleId === null);
  expect(parseErrors).toEqual([]);
  return result.messages
    .filter((message) => message.ruleId === 'import/no-restricted-paths')
    .map((message) => message.message);
}

describe('import boundaries (DESIGN.md folders table)', { timeout: 180_000 }, () => {
  it.each([
    ['media-server/lint-fixture.ts', "import { parseEnv } from '../server/env';", 'media-server/'],
    [
      'media-server/lint-fixture.ts',
      "import { ERROR_CODES } from '@/lib/protocol';",
      'media-server/',
    ],
    [
      'lib/protocol/lint-fixture.ts',
      "import { normalizeRoomId } from '../call/roomId';",
      'lib/protocol/',
    ],
    ['lib/protocol/lint-fixture.ts', "import { parseEnv } from '@/server/env';", 'lib/protocol/'],
    ['components/LintFixture.tsx', "import { parseEnv } from '@/server/env';", 'Browser code'],
    ['lib/call/lint-fixture.ts', "import { parseEnv } from '../../server/env';", 'Browser code'],
    [
      'server/rooms/lint-fixture.ts',
      "import { CallSession } from '../../lib/call/CallSession';",
      'server/',
    ],
  ])('%s: %s fails lint', async (file, importLine, zone) => {
    const errors = await boundaryErrors(
      file,
      `${importLine}\nexport const used = [${importName(importLine)}];\n`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(zone);
  });

  it.each([
    ['server/lint-fixture.ts', "import { ERROR_CODES } from '../lib/protocol';"],
    ['lib/call/lint-fixture.ts', "import { ERROR_CODES } from '../protocol';"],
    ['components/LintFixture.tsx', "import { normalizeRoomId } from '@/lib/call/roomId';"],
    ['media-server/lint-fixture.ts', "import { parseArgs } from './config';"],
  ])('%s: %s is allowed', async (file, importLine) => {
    const errors = await boundaryErrors(
      file,
      `${importLine}\nexport const used = [${importName(importLine)}];\n`,
    );
    expect(errors).toEqual([]);
  });
});

function importName(importLine: string): string {
  const name = /import \{ (\w+) \}/.exec(importLine)?.[1];
  if (!name) throw new Error(`no import name in ${importLine}`);
  return name;
}
