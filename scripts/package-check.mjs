#!/usr/bin/env node
/**
 * npm run package:check — packages Intake for Linux with electron-builder's
 * `dir` target and checks what app.asar holds (packageContents.mjs).
 *
 * The real Electron zip cannot be downloaded on our machines, so
 * `electronDist` points at a stand-in folder (one executable file named
 * `electron`) and the fuses are skipped for this run only: flipping them
 * needs the real binary. Nothing else is downloaded for the `dir` target.
 *
 *   node scripts/package-check.mjs                       build the package in a temp folder, then check it
 *   node scripts/package-check.mjs --asar A --resources R   only check an app.asar (and its resources folder)
 * Exit 0 when the package holds what it must, 1 (with each problem) when not.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packageProblems } from './packageContents.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { asar: { type: 'string' }, resources: { type: 'string' } } });

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)).replace(/\\/g, '/'));
}

async function packageForLinux(work) {
  const { build, Platform } = await import('electron-builder');
  const standIn = join(work, 'electron-dist');
  mkdirSync(standIn, { recursive: true });
  writeFileSync(join(standIn, 'electron'), '#!/bin/sh\necho "stand-in Electron for npm run package:check" >&2\nexit 1\n');
  chmodSync(join(standIn, 'electron'), 0o755);
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    // Merged over electron-builder.yml, which electron-builder reads itself.
    config: {
      electronDist: standIn,
      electronVersion,
      // Fuses are flipped inside the real Electron binary; the stand-in has none (this run only).
      electronFuses: null,
      directories: { output: join(work, 'dist') },
    },
  });
  const resources = join(work, 'dist', 'linux-unpacked', 'resources');
  return { asar: join(resources, 'app.asar'), resources };
}

const work = values.asar ? null : mkdtempSync(join(tmpdir(), 'intake-package-check-'));
try {
  const { asar, resources } = values.asar ? { asar: resolve(values.asar), resources: resolve(values.resources ?? dirname(values.asar)) } : await packageForLinux(work);
  const { listPackage } = await import('@electron/asar');
  const asarFiles = listPackage(asar, { isPack: false });
  const problems = packageProblems({
    asarFiles,
    resourceFiles: listFiles(resources),
    packageJson: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
  });
  if (problems.length > 0) {
    process.stderr.write(`package:check: ${asar} is not a complete Intake package:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`package:check: ok — ${asarFiles.length} entries in app.asar: main, preload, renderer, demo server, runtime dependencies; tray icons beside it; no src/, test/, bench/ or development dependencies.\n`);
  }
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
// Exit explicitly: in a CI run that packed with electron-builder, a failing verdict (exitCode 1) still
// ended the process with 0 (cause not pinned down), and CI went on.
process.exit(process.exitCode ?? 0);
