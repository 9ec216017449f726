import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chartForFile, chartFromOption } from '../../../src/core/hotFolder/chartForFile';
import { moveToDone, moveToFailed } from '../../../src/core/hotFolder/handledFileMover';
import { HotFolderScanner } from '../../../src/core/hotFolder/HotFolderScanner';
import { settingsChartPattern } from '../../../src/core/hotFolder/hotFolderPlan';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'intake-hot-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, content = '%PDF-1.4\n'): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

describe('HotFolderScanner', () => {
  it('hands out a file only after two checks saw the same size and mtime, and only once', async () => {
    const scanner = new HotFolderScanner(root);
    const file = await put('A1/scan.pdf');
    expect(await scanner.scan()).toEqual([]); // first sight
    expect(await scanner.scan()).toEqual([file]); // unchanged: ready
    expect(await scanner.scan()).toEqual([]); // claimed: never twice
    expect(scanner.isClaimed(file)).toBe(true);
  });

  it('waits while a file keeps growing', async () => {
    const scanner = new HotFolderScanner(root);
    const file = await put('A1/growing.pdf', '%PDF-');
    expect(await scanner.scan()).toEqual([]);
    for (let chunk = 0; chunk < 3; chunk++) {
      await appendFile(file, 'x'.repeat(100));
      expect(await scanner.scan()).toEqual([]);
    }
    expect(await scanner.scan()).toEqual([file]);
  });

  it('notices a rewrite of the same size through the mtime', async () => {
    const scanner = new HotFolderScanner(root);
    const file = await put('A1/same.pdf', 'aaaa');
    await scanner.scan();
    await writeFile(file, 'bbbb');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    expect(await scanner.scan()).toEqual([]);
    expect(await scanner.scan()).toEqual([file]);
  });

  it('skips hidden files and the done/ and failed/ folders, but not nested "done" folders', async () => {
    const scanner = new HotFolderScanner(root);
    await put('done/A1/old.pdf');
    await put('failed/A1/bad.pdf');
    await put('A1/.partial.pdf');
    const nested = await put('A1/done/new.pdf');
    await scanner.scan();
    expect(await scanner.scan()).toEqual([nested]);
  });

  it('a claimed file that is released and still there is handed out again', async () => {
    const scanner = new HotFolderScanner(root);
    const file = await put('A1/scan.pdf');
    scanner.claim(file);
    await scanner.scan();
    expect(await scanner.scan()).toEqual([]);
    scanner.release(file);
    await scanner.scan();
    expect(await scanner.scan()).toEqual([file]);
  });

  it('survives a missing root folder, says why, and notices when it is back', async () => {
    const missing = path.join(root, 'nope');
    const scanner = new HotFolderScanner(missing);
    expect(scanner.unavailable).toBeNull();
    expect(await scanner.scan()).toEqual([]);
    expect(scanner.unavailable?.code).toBe('ENOENT');
    await mkdir(missing);
    expect(await scanner.scan()).toEqual([]);
    expect(scanner.unavailable).toBeNull();
  });

  it('a root that is a file is unavailable (ENOTDIR)', async () => {
    const scanner = new HotFolderScanner(await put('plain.pdf'));
    expect(await scanner.scan()).toEqual([]);
    expect(scanner.unavailable?.code).toBe('ENOTDIR');
  });
});

describe('chartForFile', () => {
  const f = (rel: string) => path.join('/in', rel);
  it.each([
    ['A-17/scan.pdf', null, 'A-17'],
    ['A-17/deeper/scan.pdf', null, 'A-17'],
    ['4711_scan.pdf', '^(\\d+)_', '4711'],
    ['chart4711.pdf', 'chart\\d+', 'chart4711'],
    ['bad name/4711_scan.pdf', '^(\\d+)_', '4711'],
  ])('%s with pattern %s → %s', (rel, pattern, chart) => {
    expect(chartForFile('/in', f(rel), chartFromOption(pattern === null ? null : new RegExp(pattern)))).toEqual({ ok: true, chartNumber: chart });
  });

  it.each([
    ['scan.pdf', null, 'not in a sub-folder named after its chart'],
    ['scan.pdf', '^(\\d+)_', 'does not match the --chart-from pattern ^(\\d+)_'],
    ['bad name/scan.pdf', null, 'the sub-folder name "bad name" is not a chart number'],
    ['x_!!.pdf', '_(.*)\\.pdf', 'gave "!!", which is not a chart number'],
  ])('%s with pattern %s is refused: %s', (rel, pattern, reason) => {
    const result = chartForFile('/in', f(rel), chartFromOption(pattern === null ? null : new RegExp(pattern)));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('the reason written beside a refused file', () => {
  const refused = (rel: string, pattern: RegExp | null) => {
    const result = chartForFile('/in', path.join('/in', rel), chartFromOption(pattern));
    return result.ok ? 'not refused' : result.reason;
  };
  const badFolder = 'the sub-folder name "bad name" is not a chart number (Chart number contains " "; only letters, digits, ".", "_" and "-" are allowed.)';

  it('says each thing that went wrong once, in full, and nothing else', () => {
    expect(refused('scan.pdf', null)).toBe(
      'No chart number for this file: the file is not in a sub-folder named after its chart (DIR/<chart>/file) and no --chart-from pattern was given.',
    );
    // A file in a wrongly named sub-folder without a pattern: only the folder name is the problem.
    expect(refused('bad name/scan.pdf', null)).toBe(`No chart number for this file: ${badFolder}.`);
    expect(refused('bad name/deeper/scan.pdf', null)).toBe(`No chart number for this file: ${badFolder}.`);
    // Both ways tried and failed: both reasons, each readable on its own.
    expect(refused('bad name/scan.pdf', /^(\d+)_/)).toBe(`No chart number for this file: ${badFolder}; the file name does not match the --chart-from pattern ^(\\d+)_.`);
  });
});

describe('chartForFile with the desktop setting', () => {
  it('names the setting, not the CLI option, when refusing', () => {
    const none = chartForFile('/in', '/in/scan.pdf', settingsChartPattern(null));
    expect(none).toEqual({ ok: false, reason: expect.stringContaining('no chart-number pattern is set in Settings') });
    const miss = chartForFile('/in', '/in/scan.pdf', settingsChartPattern('^(\\d+)_'));
    expect(!miss.ok && miss.reason).toContain('does not match the chart-number pattern from Settings ^(\\d+)_');
    expect(!miss.ok && miss.reason).not.toContain('--chart-from');
    expect(chartForFile('/in', '/in/4711_scan.pdf', settingsChartPattern('^(\\d+)_'))).toEqual({ ok: true, chartNumber: '4711' });
  });
});

describe('moving handled files', () => {
  it('moves to done/ keeping the sub-folder and never overwrites', async () => {
    const first = await put('A1/scan.pdf', 'one');
    expect(await moveToDone(root, first)).toBe(path.join(root, 'done/A1/scan.pdf'));
    const second = await put('A1/scan.pdf', 'two');
    expect(await moveToDone(root, second)).toBe(path.join(root, 'done/A1/scan-2.pdf'));
    expect(await readFile(path.join(root, 'done/A1/scan.pdf'), 'utf8')).toBe('one');
    expect(await readdir(path.join(root, 'A1'))).toEqual([]);
  });

  it('a second failed file of the same name gets a name of its own, with its own reason; neither note is overwritten', async () => {
    const first = await moveToFailed(root, await put('A1/scan.pdf', 'one'), 'first reason');
    const second = await moveToFailed(root, await put('A1/scan.pdf', 'two'), 'second reason');
    expect(second).toBe(path.join(root, 'failed/A1/scan-2.pdf'));
    expect(await readFile(`${first}.error.txt`, 'utf8')).toBe('first reason\n');
    expect(await readFile(`${second}.error.txt`, 'utf8')).toBe('second reason\n');
    expect(await readFile(second, 'utf8')).toBe('two');
    // A note left without its file (the user took the file back to fix it): its name is not free either.
    await rm(first);
    const third = await moveToFailed(root, await put('A1/scan.pdf', 'three'), 'third reason');
    expect(third).toBe(path.join(root, 'failed/A1/scan-3.pdf'));
    expect(await readFile(`${first}.error.txt`, 'utf8')).toBe('first reason\n');
  });

  it('a file that is not inside the hot folder is never moved', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'intake-outside-'));
    try {
      const file = path.join(outside, 'scan.pdf');
      await writeFile(file, 'elsewhere');
      await expect(moveToDone(root, file)).rejects.toMatchObject({ code: 'EUNSAFEPATH', message: 'The file is not inside the hot folder; it was not moved.' });
      expect(await readFile(file, 'utf8')).toBe('elsewhere');
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('moves to failed/ with the reason in <file>.error.txt', async () => {
    const file = await put('loose.pdf');
    const target = await moveToFailed(root, file, 'No chart number for this file.');
    expect(target).toBe(path.join(root, 'failed/loose.pdf'));
    expect(await readFile(`${target}.error.txt`, 'utf8')).toBe('No chart number for this file.\n');
  });
});
