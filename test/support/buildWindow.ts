/**
 * Builds the window's renderer exactly as the app ships it: Vite with the
 * renderer section of electron.vite.config.ts (plugins: React, the CSP meta
 * tag; build options), index.html as the only input. `output` is where it is
 * written, or 'memory' for Rollup's chunks without writing.
 */
import { join, resolve } from 'node:path';
import type { Rollup } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');

export async function buildWindow(output: { outDir: string } | 'memory'): Promise<Rollup.OutputChunk[]> {
  const { build } = await import('vite');
  const appConfig = (await import('../../electron.vite.config')).default as { renderer?: { plugins?: unknown[]; build?: { rollupOptions?: object } } };
  const renderer = appConfig.renderer ?? {};
  const destination = output === 'memory' ? { write: false } : { outDir: output.outDir, emptyOutDir: true };
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const result = await build({
      configFile: false,
      root: join(ROOT, 'src/renderer'),
      base: './',
      logLevel: 'warn',
      plugins: renderer.plugins as never,
      mode: 'production',
      build: { ...renderer.build, ...destination, rollupOptions: { ...renderer.build?.rollupOptions, input: join(ROOT, 'src/renderer/index.html') } },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
    return outputs.flatMap((each) => each.output.filter((item): item is Rollup.OutputChunk => item.type === 'chunk'));
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
