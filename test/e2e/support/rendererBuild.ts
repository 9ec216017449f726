/**
 * The renderer exactly as the app ships it: built by Vite with the renderer
 * section of electron.vite.config.ts (root, plugins), output cached by a hash
 * of the sources so several e2e files (and workers) build it once. The build
 * goes to a temp dir and is renamed into place, so a reader never sees half.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCES = ['src/renderer', 'src/shared'].map((dir) => join(ROOT, dir));

function hashSources(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
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
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({
    configFile: false,
    root: join(ROOT, 'src/renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    mode: 'production',
    build: { outDir: staging, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'src/renderer/index.html') } },
  }).finally(() => {
    process.env.NODE_ENV = nodeEnv;
  });
  try {
    renameSync(staging, outDir);
  } catch (error) {
    // Another worker won the race with an identical build: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(outDir, 'index.html'))) throw error;
  }
  return outDir;
}
