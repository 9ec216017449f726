/**
 * A throwaway copy of this project for running its real npm scripts. Sources,
 * scripts and configs are copied; node_modules is linked package by package,
 * except `electron`, which is copied without any downloaded binary — so each
 * run starts as a fresh clone does, whatever this machine has downloaded, and
 * builds land in the copy's own out/, never in the one other tests read.
 * Also: a stand-in Electron executable that records how it was launched.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** What a fresh clone does not have (or what only this machine made). */
const NOT_IN_A_CLONE = new Set(['node_modules', '.git', 'out', 'dist', 'test-results', 'coverage', '.tmp']);
/** What Electron's loader adds to its package on first use. */
const DOWNLOADED = new Set(['dist', 'path.txt', 'node_modules']);

export interface ProjectCopy {
  readonly root: string;
  remove(): void;
}

export function makeProjectCopy(): ProjectCopy {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'intake-project-')));
  cpSync(repo, root, { recursive: true, filter: (from) => !NOT_IN_A_CLONE.has(relative(repo, from).split(sep)[0] ?? '') });
  const modules = join(root, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    // Caches (.vite, .cache) stay per copy; only packages and their bin links are shared.
    if ((name.startsWith('.') && name !== '.bin') || name === 'electron') continue;
    symlinkSync(join(repo, 'node_modules', name), join(modules, name));
  }
  const electron = join(repo, 'node_modules', 'electron');
  cpSync(electron, join(modules, 'electron'), { recursive: true, filter: (from) => !DOWNLOADED.has(relative(electron, from).split(sep)[0] ?? '') });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface StandInLaunch {
  argv: string[];
  cwd: string;
  rendererUrl: string | null;
}

/**
 * The text of a stand-in Electron executable: a Node script that writes its
 * arguments, working folder and dev-server URL to `recordPath` and exits 0
 * (so electron-vite, and the npm script, end).
 */
export function standInScript(recordPath: string): string {
  // getBuiltinModule: the script runs as CommonJS or as an ES module depending on the package.json above it.
  return `#!${process.execPath}\nprocess.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(recordPath)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), rendererUrl: process.env.ELECTRON_RENDERER_URL ?? null }));\n`;
}

export function readLaunch(recordPath: string): StandInLaunch {
  return JSON.parse(readFileSync(recordPath, 'utf8')) as StandInLaunch;
}

/** The app a stand-in was asked to run: its first argument, from its working folder, and that app's main entry. */
export function launchedApp(launch: StandInLaunch): { appDir: string; mainEntry: string } {
  const appDir = resolve(launch.cwd, launch.argv[0] ?? '');
  const main = (JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { main: string }).main;
  return { appDir, mainEntry: join(appDir, main) };
}

/** A folder for ELECTRON_OVERRIDE_DIST_PATH holding a stand-in `electron` that records to `launch.json` beside it. */
export function makeStandInElectron(parent: string): { distPath: string; launch(): StandInLaunch } {
  const distPath = join(parent, 'electron-dist');
  mkdirSync(distPath);
  const record = join(distPath, 'launch.json');
  const executable = join(distPath, 'electron');
  writeFileSync(executable, standInScript(record));
  chmodSync(executable, 0o755);
  return { distPath, launch: () => readLaunch(record) };
}

/** This process's environment without anything that steers Electron's download or launch, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^electron_|^(npm_config|npm_package_config)_electron/i.test(key)));
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

export interface NpmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm <args>` to its end; fails the test if it outlives `timeoutMs`. In a
 * process group of its own, so that a timeout kills what npm started too.
 */
export function runNpm(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<NpmRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('npm', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`npm ${args.join(' ')} did not end within ${options.timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code: code ?? (signal ? 128 : 0), stdout, stderr });
    });
  });
}
