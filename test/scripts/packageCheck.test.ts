/**
 * npm run package:check's verdict over a real app.asar (made with @electron/asar
 * from a folder shaped like the package): complete → exit 0; one file removed
 * on purpose, or development files packed → exit 1 naming what is wrong.
 * (The full run, electron-builder's dir target included, is `npm run package:check` in CI.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPackage } from '@electron/asar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-package-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(root: string, file: string, text = 'x'): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** An app folder as electron-builder packs it, minus `leaveOut`, plus `extra`; packed into resources/app.asar. */
async function packagedApp({ leaveOut = [], extra = [] }: { leaveOut?: string[]; extra?: string[] } = {}) {
  const app = join(dir, 'app');
  const files = ['package.json', 'out/main/index.js', 'out/main/coreHost.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'out/server/index.js'];
  for (const name of Object.keys(manifest.dependencies)) files.push(`node_modules/${name}/package.json`);
  for (const file of [...files, ...extra]) if (!leaveOut.includes(file)) put(app, file);
  const resources = join(dir, 'resources');
  for (const icon of ['idle', 'working', 'error', 'offline']) put(resources, `tray/${icon}.png`);
  await createPackage(app, join(resources, 'app.asar'));
  return join(resources, 'app.asar');
}

function check(asar: string) {
  const run = spawnSync(process.execPath, [join(repo, 'scripts/package-check.mjs'), '--asar', asar], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('package:check', () => {
  it('passes a complete package', async () => {
    const result = check(await packagedApp());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^package:check: ok/);
  });

  it('fails when a file is missing (the preload removed on purpose), naming it', async () => {
    const result = check(await packagedApp({ leaveOut: ['out/preload/index.cjs', 'out/main/coreHost.js', 'node_modules/ws/package.json'] }));
    expect(result.code).toBe(1);
    expect(result.err).toContain('missing the built preload: /out/preload/index.cjs');
    expect(result.err).toContain("missing the core's own process (utilityProcess entry): /out/main/coreHost.js");
    expect(result.err).toContain('missing the runtime dependency ws: /node_modules/ws/package.json');
  });

  it('fails when sources, tests, benchmarks or development dependencies are packed', async () => {
    const result = check(await packagedApp({ extra: ['src/main/index.ts', 'test/a.test.ts', 'bench/run.ts', 'node_modules/vitest/package.json', 'out/main/index.js.map'] }));
    expect(result.code).toBe(1);
    for (const problem of ['holds development files: /src/', 'holds development files: /test/', 'holds development files: /bench/', 'holds the development dependency vitest', 'holds a source map: /out/main/index.js.map']) {
      expect(result.err).toContain(problem);
    }
  });
});
