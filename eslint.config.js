// @ts-check
/**
 * Lint, and the layer rule of DESIGN.md: a file's folder says what it may import.
 *   renderer → shared; preload → shared (+ electron); main → core, shared (+ server's
 *   public entry, to start the bundled demo server); cli → core, shared;
 *   core → shared; server → shared; shared → nothing.
 * test/layers.test.ts proves that a crossing import fails this config.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const IPC_MESSAGE = 'Raw IPC belongs in src/main/ipc (registerHandlers, sendToRenderer) or the preload: use the typed contract of src/shared/ipc.ts.';
const LAYERS = ['shared', 'core', 'main', 'preload', 'renderer', 'cli', 'server'];
const nodeBuiltins = `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?$`;

/** @param {string[]} allowed @param {{ node?: boolean, electron?: boolean, extra?: object[] }} opts */
function layer(allowed, { node = true, electron = false, extra = [] } = {}) {
  const forbidden = LAYERS.filter((l) => !allowed.includes(l));
  const patterns = [
    {
      regex: `(^|/)(${forbidden.join('|')})(/|$)`,
      message: `This layer may import only from: ${allowed.join(', ') || 'nothing'} (DESIGN.md "Processes and layers").`,
    },
    ...extra,
  ];
  if (!node) patterns.push({ regex: nodeBuiltins, message: 'No Node built-ins in this layer (DESIGN.md).' });
  if (!electron) patterns.push({ regex: '^electron(/.*)?$', message: 'No Electron import in this layer (DESIGN.md).' });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results*/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  { files: ['src/shared/**'], rules: layer(['shared'], { node: false }) },
  { files: ['src/core/**'], rules: layer(['shared', 'core']) },
  {
    files: ['src/main/**'],
    rules: layer(['shared', 'core', 'main', 'server'], {
      electron: true,
      extra: [{ regex: '(^|/)server/(?!index$).+', message: 'main may start the demo server only through src/server/index.ts.' }],
    }),
  },
  { files: ['src/preload/**'], rules: layer(['shared', 'preload'], { node: false, electron: true }) },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...layer(['shared', 'renderer'], { node: false }), ...reactHooks.configs.recommended.rules },
  },
  { files: ['src/cli/**'], rules: layer(['shared', 'core', 'cli']) },
  { files: ['src/server/**'], rules: layer(['shared', 'server']) },
  // Typed IPC only (STYLE.md; GitHub Desktop bans loose webContents.send the same way): raw ipcMain,
  // ipcRenderer and webContents.send live in src/main/ipc and the preload, nowhere else.
  {
    files: ['src/**'],
    ignores: ['src/main/ipc/**', 'src/preload/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportSpecifier[imported.name=/^(ipcMain|ipcRenderer)$/]", message: IPC_MESSAGE },
        { selector: "MemberExpression[object.name=/^(ipcMain|ipcRenderer)$/]", message: IPC_MESSAGE },
        { selector: "CallExpression[callee.property.name='send'][callee.object.property.name='webContents']", message: IPC_MESSAGE },
      ],
    },
  },
);
