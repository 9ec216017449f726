/**
 * Finds the Electron executable the one way everything that launches Electron
 * here uses (npm start, npm run dev, the real-Electron smoke test): through
 * Electron's own `require('electron')`, which downloads the binary on first
 * use (Electron >= 45 has no install script any more). The require runs in a
 * child process (electron-binary-probe.mjs) so that whatever goes wrong comes
 * back as one paragraph saying what is missing, why, and how to fix it —
 * never as a dependency's stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./electron-binary-probe.mjs', import.meta.url));
const DEFAULT_ROOT = resolve(dirname(PROBE), '..');
const DOWNLOADS = 'https://github.com/electron/electron/releases';

/**
 * @param {{ root?: string, env?: NodeJS.ProcessEnv, onNotice?: (text: string) => void }} [options]
 * @returns {Promise<{ ok: true, path: string } | { ok: false, message: string }>}
 */
export async function resolveElectronBinary({ root = DEFAULT_ROOT, env = process.env, onNotice = (text) => console.log(text) } = {}) {
  let version;
  try {
    version = createRequire(join(root, 'package.json'))('electron/package.json').version;
  } catch {
    return { ok: false, message: 'Intake cannot start: the `electron` package is not installed. Run `npm install` in the project folder first.' };
  }
  const outcome = await probe(root, env, onNotice);
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const alternatives = `set ELECTRON_MIRROR to a mirror of ${DOWNLOADS}, or set ELECTRON_OVERRIDE_DIST_PATH to a folder that holds an Electron ${version} executable`;
  switch (outcome.kind) {
    case 'found':
      if (existsSync(outcome.path)) return { ok: true, path: outcome.path };
      return {
        ok: false,
        message: override
          ? `Intake cannot start: there is no Electron executable at ${outcome.path} (ELECTRON_OVERRIDE_DIST_PATH is set to ${override}). Point ELECTRON_OVERRIDE_DIST_PATH at the folder that holds Electron's executable, or unset it so that the first start downloads Electron ${version}.`
          : `Intake cannot start: Electron's executable is missing at ${outcome.path}. Delete node_modules/electron/path.txt so that the next start downloads Electron ${version} again, or ${alternatives}.`,
      };
    case 'skipped':
      return {
        ok: false,
        message: `Intake cannot start: the Electron ${version} binary is not installed, and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded. Unset ELECTRON_SKIP_BINARY_DOWNLOAD so that this start downloads it (once, from ${DOWNLOADS}), or set ELECTRON_OVERRIDE_DIST_PATH to a folder that holds an Electron ${version} executable.`,
      };
    case 'download-failed':
      return {
        ok: false,
        message: `Intake cannot start: the Electron ${version} binary is not installed, and downloading it failed: ${outcome.reason}. Give this computer network access to Electron's downloads (${DOWNLOADS}; through a proxy: set ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY), or ${alternatives}.`,
      };
    default:
      return { ok: false, message: `Intake cannot start: Electron ${version} could not be found or installed: ${outcome.reason}. Reinstall it (npm install), or ${alternatives}.` };
  }
}

/** Runs the probe; its stdout/stderr carry Electron's own chatter and are ignored (see the probe). */
async function probe(root, env, onNotice) {
  const child = spawn(process.execPath, [PROBE, root], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolveExit) => child.on('close', resolveExit));
  let outcome = null;
  for await (const line of createInterface({ input: child.stdio[3] })) {
    const message = JSON.parse(line);
    if (typeof message.notice === 'string') onNotice(message.notice);
    else outcome = message;
  }
  await exited;
  const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? 'no reason given';
  return outcome ?? { kind: 'failed', reason: `the probe of the electron package stopped early (${firstLine.trim()})` };
}
