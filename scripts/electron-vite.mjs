#!/usr/bin/env node
/**
 * `npm start` and `npm run dev`: electron-vite, handed the Electron executable
 * that Electron's own `require('electron')` resolves (downloading it on the
 * first start). electron-vite 6 cannot be left to find it: it reads
 * node_modules/electron/path.txt itself and throws "Electron uninstall" when
 * Electron >= 45 has not downloaded its binary yet, which on a fresh clone it
 * never has. ELECTRON_EXEC_PATH is electron-vite's own way to be told.
 *
 * The binary is resolved before electron-vite builds anything, so a computer
 * that cannot get it learns why at once, in one paragraph, with exit code 1.
 *
 * Usage: node scripts/electron-vite.mjs <electron-vite command> [its options]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveElectronBinary } from './electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const binary = await resolveElectronBinary({ root });
if (!binary.ok) {
  console.error(binary.message);
  process.exit(1);
}

const packageJson = createRequire(join(root, 'package.json')).resolve('electron-vite/package.json');
const cli = join(dirname(packageJson), JSON.parse(readFileSync(packageJson, 'utf8')).bin['electron-vite']);
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_EXEC_PATH: binary.path },
});
// electron-vite passes signals on to Electron; a terminal's Ctrl-C reaches it
// directly, a `kill` of this launcher must be passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
