import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'crypto',
  'zlib',
  'stream',
]
const noNodeInBrowser = [
  ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser: no Node modules.' })),
  { name: 'electron', message: 'The renderer talks to the Api object, never to electron.' },
  { name: 'better-sqlite3', message: 'The renderer never opens the database.' },
  { name: 'ws', message: 'The renderer uses the browser WebSocket through the Api object.' },
]

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'build',
      'test-results',
      'playwright-report',
      'e2e/artifacts',
      'bench/data',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Playwright fixtures take their dependencies as an (often empty) destructured object.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['src/pipeline/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Pipeline, shared and CLI code must run on plain Node.' }] },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeInBrowser,
          patterns: [
            { group: ['node:*'], message: 'Shared contracts run in the browser too: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeInBrowser,
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
            { group: ['**/pipeline/**', '**/main/**'], message: 'The renderer only imports src/shared.' },
          ],
        },
      ],
    },
  },
)
