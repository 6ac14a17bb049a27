// ESLint: typescript-eslint with the type-aware rules that catch async mistakes, consistent type
// imports, the React hooks rules, and the layering between folders as import boundaries:
//   renderer/  -> shared/ only (and browser packages); never Node, the shell or the engine
//   shared/    -> types only, from the engine's types-only entry point storage/src/types.ts
//                 (which imports nothing but shared/constants.ts); nothing of Node or the browser
//   storage/src/ -> itself, shared/constants.ts and package.json (its version, in export files);
//                 never the shell, the panel, tests or benches
//   everything else -> the engine only through storage/src/index.ts
// (storage/test and storage/bench are the engine's own white-box tests and benchmarks.)
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'net',
  'url',
  'util',
  'worker_threads',
];
const ENGINE_INTERNALS = {
  group: ['**/storage/src/**', '!**/storage/src/index.ts'],
  message: 'Use the engine through its entry point, storage/src/index.ts.',
};

/** One boundary rule: the given patterns are refused in the files it applies to. */
const boundary = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './renderer/tsconfig.json', './test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  boundary(
    ['renderer/**'],
    [
      {
        group: ['**/electron/**', '**/storage/**', '**/test/**', '**/bench/**', '**/e2e/**'],
        message: 'The panel imports only shared/.',
      },
      { group: [...NODE_BUILTINS, 'better-sqlite3', 'electron', 'zod'], message: 'The panel runs in the browser.' },
    ],
  ),
  boundary(
    ['shared/**'],
    [
      {
        group: ['**/electron/**', '**/renderer/**', '**/test/**', '**/bench/**', '**/e2e/**'],
        message: 'shared/ depends on nothing but engine types.',
      },
      {
        group: ['**/storage/**', '!**/storage/src/types.ts'],
        message: 'shared/ imports types from storage/src/types.ts only.',
      },
      {
        group: ['**/storage/src/types.ts'],
        allowTypeImports: true,
        message: 'shared/ imports only types from the engine.',
      },
      {
        group: [...NODE_BUILTINS, 'better-sqlite3', 'electron', 'react'],
        message: 'shared/ runs in Node and the browser alike.',
      },
    ],
  ),
  boundary(
    ['storage/src/**'],
    [
      {
        group: ['**/electron/**', '**/renderer/**', '**/test/**', '**/bench/**', '**/e2e/**', 'electron'],
        message: 'The engine knows nothing of the shell, the panel or its tests.',
      },
      { group: ['**/shared/**', '!**/shared/constants.ts'], message: 'The engine shares only shared/constants.ts.' },
    ],
  ),
  // After the rule for storage/src/** (a later entry replaces it for this file).
  boundary(
    ['storage/src/types.ts'],
    [
      {
        regex: '^(?!\\.\\./\\.\\./shared/constants\\.ts$)(\\.|node:|better-sqlite3)',
        message: "The engine's types entry point imports nothing but shared/constants.ts.",
      },
    ],
  ),
  boundary(
    ['electron/**'],
    [
      ENGINE_INTERNALS,
      { group: ['**/renderer/**'], message: 'The shell serves the built renderer; it does not import it.' },
    ],
  ),
  boundary(['test/**', 'e2e/**', 'bench/**'], [ENGINE_INTERNALS]),
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
