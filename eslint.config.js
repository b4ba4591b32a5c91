// Lint rules, above all the import boundaries of DESIGN.md:
// electron/core never imports the `electron` package; shared/ imports no Node and no DOM;
// renderer/ never imports electron/ (or Node).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'bench/results/', 'test/fixtures/conformance/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['**/*.{js,mjs,cjs}', 'electron/**', 'test/**', 'bench/**', 'scripts/**'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['electron/core/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron/core and the CLI run in plain Node: never import the electron package here.' }] }],
    },
  },
  {
    files: ['shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins.map((name) => ({ name, message: 'shared/ runs in the renderer too: no Node modules.' })), { name: 'electron', message: 'shared/ imports no electron.' }],
          patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing of the app.' }],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins.map((name) => ({ name, message: 'the renderer runs in a browser: no Node modules.' })), { name: 'electron', message: 'the renderer talks to the app only through the SwitchboardApi.' }],
          patterns: [{ group: ['**/electron/**'], message: 'the renderer never imports electron/: use the contract in shared/.' }],
        },
      ],
    },
  },
);
