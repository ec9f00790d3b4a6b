import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import prettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

// Our top-level source folders, as DESIGN.md's import table names them.
const BROWSER = ['./app', './components', './lib/call', './lib/hooks', './lib/store'];
const OURS = [
  ...BROWSER,
  './lib/protocol',
  './server',
  './server.ts',
  './media-server',
  './bench',
  './e2e',
  './scripts',
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // DESIGN.md's import table: who may import whom. Paths are resolved first, so relative imports
    // and the `@/` alias are both caught.
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './media-server',
              from: OURS.filter((path) => path !== './media-server'),
              message: 'media-server/ imports its own files only (it runs alone, without the app).',
            },
            {
              target: './lib/protocol',
              from: OURS.filter((path) => path !== './lib/protocol'),
              message: 'lib/protocol/ is shared by server and browser and imports nothing of ours.',
            },
            {
              target: BROWSER,
              from: ['./server', './server.ts', './media-server', './bench', './scripts', './e2e'],
              message: 'Browser code reaches the server only through lib/protocol and Socket.IO.',
            },
            {
              target: ['./server', './server.ts'],
              from: [...BROWSER, './media-server', './bench', './e2e'],
              message:
                'server/ imports lib/protocol only of the shared code, and reaches the media server through kurento-client.',
            },
          ],
        },
      ],
    },
  },
  prettier,
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  globalIgnores([
    '.next/**',
    'dist/**',
    'node_modules/**',
    'next-env.d.ts',
    'test-results/**',
    'playwright-report/**',
  ]),
]);
