/**
 * The renderer exactly as the app ships it (test/support/buildWindow.ts: Vite
 * with the renderer section of electron.vite.config.ts), written to disk and
 * cached by a hash of the sources so several e2e files (and workers) build it once. The build
 * goes to a temp dir and is renamed into place, so a reader never sees half.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildWindow } from '../../support/buildWindow';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'src/core/desktop/appAssetPath.ts', 'test/support/buildWindow.ts'].map((path) => join(ROOT, path));

function hashSources(): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else hash.update(path).update(readFileSync(path));
  };
  SOURCES.forEach(walk);
  return hash.digest('hex').slice(0, 16);
}

/** Returns the directory holding index.html and assets/. */
export async function buildRenderer(): Promise<string> {
  const cache = join(ROOT, 'node_modules/.cache/intake-e2e-renderer');
  const outDir = join(cache, hashSources());
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  mkdirSync(cache, { recursive: true });
  const staging = `${outDir}.${process.pid}.tmp`;
  await buildWindow({ outDir: staging });
  try {
    renameSync(staging, outDir);
  } catch (error) {
    // Another worker won the race with an identical build: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(outDir, 'index.html'))) throw error;
  }
  return outDir;
}
