import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pathsFromArgv } from '../../../src/core/desktop/launchArgs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('pathsFromArgv', () => {
  it('keeps existing files and folders, resolved against the launching directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'intake-argv-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, 'a.pdf'), '%PDF-');
    mkdirSync(join(cwd, 'scans'));
    const argv = ['/opt/Intake/intake', '--enable-logging', 'a.pdf', 'scans', 'missing.pdf', '-psn_0_12345', join(cwd, 'a.pdf'), ''];
    expect(pathsFromArgv(argv, { workingDirectory: cwd })).toEqual([join(cwd, 'a.pdf'), join(cwd, 'scans')]);
  });

  it('ignores the executable and the app folder itself', () => {
    const exists = () => true;
    const argv = ['/usr/bin/electron', '.', '/work/app/out/main/index.js', '/docs/x.pdf'];
    const result = pathsFromArgv(argv, { workingDirectory: '/work/app', ignore: ['/usr/bin/electron', '/work/app', 'out/main/index.js'], exists });
    expect(result).toEqual(['/docs/x.pdf']);
  });

  it('drops arguments with NUL bytes and caps the count', () => {
    const argv = ['exe', 'a\0b', ...Array.from({ length: 10_050 }, (_, i) => `/f/${i}`)];
    const result = pathsFromArgv(argv, { workingDirectory: '/', exists: () => true });
    expect(result).toHaveLength(10_000);
    expect(result[0]).toBe('/f/0');
  });
});
