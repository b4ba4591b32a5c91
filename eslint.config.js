// Lint rules, above all the import boundaries of DESIGN.md:
// electron/core never imports the `electron` package; shared/ imports no Node and no DOM;
// renderer/ never imports electron/ (or Node).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * The layers of electron/core, bottom to top (DESIGN.md, "Processes and layers"): a file may import its own layer
 * and those below it, never one above. Folders end in /, single files are named.
 */
const CORE_LAYERS = [
  ['base/'],
  ['config/', 'process/', 'store/', 'secrets/', 'paths.ts', 'data-dir.ts'],
  ['supervisor/'],
  ['gateway/', 'clients/', 'terminal/'],
  ['auth/', 'policy/', 'resilience/', 'telemetry/'],
  ['switchboard.ts', 'http/'],
  ['api/'],
  ['ui/'],
];
const ELECTRON_PACKAGE = { name: 'electron', message: 'electron/core and the CLI run in plain Node: never import the electron package here.' };
/** What no file of electron/core imports: the hosts around it and the window. */
const OUTSIDE_CORE = { group: ['**/renderer/**', '**/electron/main/**', '../main/**', '../../main/**', '**/cli/**', '**/preload/**'], message: 'electron/core is imported by its hosts (electron/main, electron/cli) and never imports them or the renderer.' };
const importPattern = (entry) => (entry.endsWith('/') ? [`**/${entry}**`] : [`**/${entry}`]);
const filesOf = (entry) => (entry.endsWith('/') ? `electron/core/${entry}**` : `electron/core/${entry}`);
const coreLayerRules = CORE_LAYERS.map((layer, index) => {
  const above = CORE_LAYERS.slice(index + 1).flat();
  return {
    files: layer.map(filesOf),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON_PACKAGE],
          patterns: [OUTSIDE_CORE, ...(above.length ? [{ group: above.flatMap(importPattern), message: `${layer.join(', ')} is below ${above.join(', ')} in the layers of electron/core (DESIGN.md): it must not import them.` }] : [])],
        },
      ],
    },
  };
});

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
      'no-restricted-imports': ['error', { paths: [ELECTRON_PACKAGE], patterns: [] }],
    },
  },
  {
    files: ['electron/core/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_PACKAGE], patterns: [OUTSIDE_CORE] }] },
  },
  ...coreLayerRules,
  {
    files: ['electron/**'],
    ignores: ['electron/core/store/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]", message: 'SQL lives in electron/core/store/: add a method to the book that owns the table.' }],
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
