#!/usr/bin/env node
/**
 * Child process of electron-binary.mjs (never run by hand): loads the `electron`
 * package the way Electron documents — `require('electron')` returns the
 * executable's path, downloading the binary first when it is missing, and
 * honours ELECTRON_OVERRIDE_DIST_PATH, ELECTRON_MIRROR, electron_config_cache —
 * and reports what happened as JSON lines on file descriptor 3:
 *   {"notice": "..."}                          say this to the user now
 *   {"kind": "found", "path": "..."}           the executable's path
 *   {"kind": "skipped"}                        a download was needed but ELECTRON_SKIP_BINARY_DOWNLOAD is set
 *   {"kind": "download-failed", "reason": "..."}
 *   {"kind": "failed", "reason": "..."}        the package itself threw
 * It runs apart from the launcher because Electron's loader prints to stdout
 * and throws, and its installer prints a stack trace: the launcher ignores this
 * process's stdout/stderr and words the outcome itself.
 *
 * Usage: node scripts/electron-binary-probe.mjs <project root>
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [root] = process.argv.slice(2);
const require = createRequire(join(root, 'package.json'));
const childProcess = require('node:child_process');
const { version } = require('electron/package.json');
const report = (message) => writeSync(3, `${JSON.stringify(message)}\n`);

/** Node-flag that makes a failed fetch in the installer name its cause and URL (see electron-download-reason.mjs). */
const reasonHook = ['--import', new URL('./electron-download-reason.mjs', import.meta.url).href];

// Electron's loader downloads by running its install.js through spawnSync
// (stdio inherited). Intercept exactly that call: Electron >= 45 no longer
// honours ELECTRON_SKIP_BINARY_DOWNLOAD (CI sets it: never download there), and
// the installer's stderr holds the one line worth showing when it fails.
const realSpawnSync = childProcess.spawnSync;
let download = null;
childProcess.spawnSync = (command, args = [], options = {}) => {
  const isInstaller = command === process.execPath && /[\\/]install\.js$/.test(String(args.at(-1) ?? ''));
  if (!isInstaller) return realSpawnSync(command, args, options);
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    download = { skipped: true };
    return { status: 1 };
  }
  report({ notice: `Downloading Electron ${version} for this computer (once, roughly 100 MB; later starts reuse it)...` });
  const result = realSpawnSync(command, [...reasonHook, ...args], { ...options, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  download = { skipped: false, stderr: result.error ? result.error.message : (result.stderr ?? '') };
  return result;
};

/** The installer's first error line: what failed, without the stack and Node's warnings around it. */
function installerReason(stderr) {
  const lines = stderr.split('\n').map((line) => line.trim());
  const meaningful = lines.filter((line) => line !== '' && !line.startsWith('at ') && !line.startsWith('(node:') && !line.startsWith('(Use `node'));
  return (meaningful[0] ?? 'the installer exited without saying why').replace(/^\w*Error: /, '');
}

try {
  report({ kind: 'found', path: require('electron') });
} catch (error) {
  if (download?.skipped) report({ kind: 'skipped' });
  else if (download) report({ kind: 'download-failed', reason: installerReason(download.stderr) });
  else report({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
}
