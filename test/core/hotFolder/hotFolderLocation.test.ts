import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFolderError } from '../../../src/core/hotFolder/folderProblem';
import { isDropInside, samePath } from '../../../src/core/hotFolder/hotFolderLayout';
import { filesAlreadyThere, hotFolderLocationProblem, type ProtectedPlaces } from '../../../src/core/hotFolder/hotFolderLocation';
import { hotFolderPlan, samePlan } from '../../../src/core/hotFolder/hotFolderPlan';
import { makeTempDir, type TempDir } from '../../support/files';

const places: ProtectedPlaces = {
  home: '/home/nurse',
  desktop: '/home/nurse/Desktop',
  documents: '/home/nurse/Documents',
  downloads: '/home/nurse/Downloads',
  userData: '/home/nurse/.config/Intake',
  appData: '/home/nurse/.config',
};
const ADVICE = 'Intake would upload every document in it and move everything else to failed/. Make a folder just for scans and choose that.';

describe('hotFolderLocationProblem (where a hot folder may not be)', () => {
  it('a folder just for scans is fine, also next to the protected ones', () => {
    expect(hotFolderLocationProblem('/srv/scans', places)).toBeNull();
    expect(hotFolderLocationProblem('/home/nurse/Desktop/scans', places)).toBeNull();
    expect(hotFolderLocationProblem('/home/nurse/Documents-old', places)).toBeNull();
    expect(hotFolderLocationProblem('/home/nurse/scans', places)).toBeNull();
  });

  it('refuses a drive root, naming why', () => {
    expect(hotFolderLocationProblem('/', places)).toBe(`A drive root cannot be the hot folder: ${ADVICE}`);
    expect(hotFolderLocationProblem('D:\\', places, path.win32)).toBe(`A drive root cannot be the hot folder: ${ADVICE}`);
  });

  it('refuses the home folder, Desktop, Documents, Downloads and any folder holding one', () => {
    expect(hotFolderLocationProblem('/home/nurse', places)).toBe(`Your home folder (or a folder holding it) cannot be the hot folder: ${ADVICE}`);
    expect(hotFolderLocationProblem('/home', places)).toBe(`Your home folder (or a folder holding it) cannot be the hot folder: ${ADVICE}`);
    expect(hotFolderLocationProblem('/home/nurse/Desktop/', places)).toBe(`Desktop (or a folder holding it) cannot be the hot folder: ${ADVICE}`);
    expect(hotFolderLocationProblem('/home/nurse/Documents', places)).toBe(`Documents (or a folder holding it) cannot be the hot folder: ${ADVICE}`);
    expect(hotFolderLocationProblem('/home/nurse/Downloads', places)).toBe(`Downloads (or a folder holding it) cannot be the hot folder: ${ADVICE}`);
  });

  it("refuses Intake's own data, inside it or holding it", () => {
    const own = "Intake's own data folder cannot be the hot folder. Make a folder just for scans and choose that.";
    const elsewhere = { ...places, home: '/users/n', desktop: '/users/n/d', documents: '/users/n/doc', downloads: '/users/n/dl' };
    expect(hotFolderLocationProblem('/home/nurse/.config/Intake/scans', elsewhere)).toBe(own);
    expect(hotFolderLocationProblem('/home/nurse/.config', elsewhere)).toBe(own);
    expect(hotFolderLocationProblem('/home/nurse/.config/other-app', elsewhere)).toBe(own);
    expect(hotFolderLocationProblem('/home/nurse/.configs', elsewhere)).toBeNull();
  });
});

describe('filesAlreadyThere (asked about before a folder becomes the hot folder)', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('intake-location-');
  });
  afterEach(() => dir.remove());

  it('counts documents at the top and in chart folders, not hidden files, done/ or failed/', async () => {
    const root = dir.path;
    writeFileSync(path.join(root, 'a.pdf'), 'x');
    writeFileSync(path.join(root, '.DS_Store'), 'x');
    mkdirSync(path.join(root, 'CH-1'));
    writeFileSync(path.join(root, 'CH-1', 'b.pdf'), 'x');
    writeFileSync(path.join(root, 'CH-1', '.hidden'), 'x');
    mkdirSync(path.join(root, 'CH-1', 'deeper'));
    for (const handled of ['done', 'failed']) {
      mkdirSync(path.join(root, handled));
      writeFileSync(path.join(root, handled, 'old.pdf'), 'x');
    }
    expect(await filesAlreadyThere(root)).toBe(2);
  });

  it('stops counting at the limit', async () => {
    for (let i = 0; i < 5; i++) writeFileSync(path.join(dir.path, `${i}.pdf`), 'x');
    mkdirSync(path.join(dir.path, 'CH'));
    for (let i = 0; i < 5; i++) writeFileSync(path.join(dir.path, 'CH', `${i}.pdf`), 'x');
    expect(await filesAlreadyThere(dir.path, 3)).toBe(3);
    expect(await filesAlreadyThere(dir.path, 7)).toBe(7);
    expect(await filesAlreadyThere(dir.path)).toBe(10);
  });
});

describe('hot folder layout and folder errors', () => {
  it('picks up files below the folder, not the folder itself, outside it, or done/ and failed/', () => {
    expect(isDropInside('/scans', '/scans/a.pdf')).toBe(true);
    expect(isDropInside('/scans', '/scans/CH-1/a.pdf')).toBe(true);
    expect(isDropInside('/scans', '/scans/done-list/a.pdf')).toBe(true);
    for (const file of ['/scans', '/scans/done/a.pdf', '/scans/failed/x/a.pdf', '/other/a.pdf', '/scans-2/a.pdf', '/scans/../a.pdf']) {
      expect(isDropInside('/scans', file), file).toBe(false);
    }
  });

  it('compares paths as this file system does', () => {
    expect(samePath('/a/B.pdf', '/a/B.pdf')).toBe(true);
    expect(samePath('/a/B.pdf', '/a/b.pdf')).toBe(process.platform === 'win32' || process.platform === 'darwin');
    expect(samePath('/a/b.pdf', '/a/c.pdf')).toBe(false);
  });

  it('says what is wrong with the folder without naming it', () => {
    const error = (code?: string) => Object.assign(new Error('x'), code === undefined ? { name: 'SystemError' } : { code });
    expect(describeFolderError(error('ENOENT'))).toBe('The hot folder does not exist (was it moved, or is the network drive disconnected?).');
    expect(describeFolderError(error('ENOTDIR'))).toBe('The hot folder path is a file, not a folder.');
    expect(describeFolderError(error('EACCES'))).toBe('The hot folder cannot be read: permission denied.');
    expect(describeFolderError(error('EPERM'))).toBe('The hot folder cannot be read: permission denied.');
    expect(describeFolderError(error('EIO'))).toBe('The hot folder cannot be read (EIO).');
    expect(describeFolderError(error())).toBe('The hot folder cannot be read (SystemError).');
  });
});

describe('hotFolderPlan (what the settings ask the watcher to do)', () => {
  const settings = (path: string | null, enabled: boolean, chartNumberPattern: string | null = null) => ({ hotFolder: { path, enabled }, chartNumberPattern });

  it('watches nothing when off, without a folder, or with a blank one', () => {
    expect(hotFolderPlan(settings('/scans', false))).toEqual({ watch: false, problem: null });
    expect(hotFolderPlan(settings(null, true))).toEqual({ watch: false, problem: null });
    expect(hotFolderPlan(settings('  ', true))).toEqual({ watch: false, problem: null });
  });

  it('refuses a relative folder, saying why', () => {
    expect(hotFolderPlan(settings('scans', true))).toEqual({
      watch: false,
      problem: 'The hot folder must be a full path (for example /home/me/Scans or C:\\Scans); it is not watched.',
    });
  });

  it('watches the resolved folder with the pattern, none when empty, and goes on without a broken one', () => {
    expect(hotFolderPlan(settings('/scans/../scans/', true, '^(\\d+)_'))).toEqual({ watch: true, root: '/scans', pattern: '^(\\d+)_', problem: null });
    expect(hotFolderPlan(settings('/scans', true, ''))).toEqual({ watch: true, root: '/scans', pattern: null, problem: null });
    const broken = hotFolderPlan(settings('/scans', true, '([a-z'));
    expect(broken).toMatchObject({ watch: true, root: '/scans', pattern: null });
    expect(broken.problem).toMatch(/^Chart-number pattern is not a valid regular expression: .+ Hot-folder files outside a chart sub-folder go to failed\/ until it is fixed\.$/);
  });

  it('a running watcher goes on only for the same folder and pattern', () => {
    const a = hotFolderPlan(settings('/scans', true, 'x'));
    expect(samePlan(a, hotFolderPlan(settings('/scans/', true, 'x')))).toBe(true);
    expect(samePlan(a, hotFolderPlan(settings('/other', true, 'x')))).toBe(false);
    expect(samePlan(a, hotFolderPlan(settings('/scans', true, 'y')))).toBe(false);
    expect(samePlan(a, hotFolderPlan(settings('/scans', false, 'x')))).toBe(false);
    expect(samePlan(hotFolderPlan(settings(null, false)), hotFolderPlan(settings('rel', true)))).toBe(true);
  });
});
