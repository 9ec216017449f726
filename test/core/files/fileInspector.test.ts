import { constants } from 'node:fs';
import { access, chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectDocumentType } from '../../../src/shared/documentType';
import { DEFAULT_FILE_LIMITS, inspectFiles } from '../../../src/core/files/fileInspector';
import { MAGIC, makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await dir.remove();
});

/**
 * A file this process cannot open. chmod 000 does not stop root, so as root use a
 * write-only sysfs attribute, which the kernel refuses to open for reading even to root.
 */
async function unreadableFile(): Promise<string> {
  if (process.getuid?.() === 0) {
    await access(ROOT_UNREADABLE, constants.F_OK); // fails loudly where there is no such file
    return ROOT_UNREADABLE;
  }
  const locked = await dir.file('locked.pdf', MAGIC.pdf);
  await chmod(locked, 0o000);
  return locked;
}
const ROOT_UNREADABLE = '/sys/bus/pci/rescan';

const reasonOf = (inspection: Awaited<ReturnType<typeof inspectFiles>>, name: string): string | undefined =>
  inspection.rejected.find((r) => r.name === name)?.reason;

describe('detectDocumentType', () => {
  it.each([
    ['pdf', MAGIC.pdf],
    ['png', MAGIC.png],
    ['jpeg', MAGIC.jpeg],
    ['tiff', MAGIC.tiffLittle],
    ['tiff', MAGIC.tiffBig],
  ])('recognises %s by its first bytes', (type, bytes) => {
    expect(detectDocumentType(Buffer.concat([bytes, Buffer.from('rest')]))).toBe(type);
  });

  it('refuses everything else, including truncated signatures', () => {
    expect(detectDocumentType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(detectDocumentType(Buffer.from('%PD'))).toBeNull();
    expect(detectDocumentType(MAGIC.png.subarray(0, 7))).toBeNull();
    expect(detectDocumentType(Buffer.alloc(0))).toBeNull();
  });
});

describe('inspectFiles', () => {
  it('accepts good documents with their detected type and size', async () => {
    const pdf = await dir.pdf('a.pdf', { pages: 3 });
    const png = await dir.file('scan.dat', Buffer.concat([MAGIC.png, Buffer.alloc(10)]));
    const result = await inspectFiles([pdf, png]);
    expect(result.rejected).toEqual([]);
    expect(result.accepted.map((f) => [f.name, f.type])).toEqual([
      ['a.pdf', 'pdf'],
      ['scan.dat', 'png'], // by content, not by name
    ]);
    expect(result.accepted[1]!.size).toBe(18);
  });

  it('gives every kind of bad file its own specific reason', async () => {
    const empty = await dir.file('empty.pdf', '');
    const fake = await dir.file('fake.pdf', 'MZ this is an executable');
    const big = await dir.sparse('big.pdf', 6000);
    const locked = await unreadableFile();
    const good = await dir.pdf('good.pdf');
    const link = join(dir.path, 'same.pdf');
    await symlink(good, link);
    const missing = join(dir.path, 'gone.pdf');

    const result = await inspectFiles([empty, fake, big, locked, good, link, missing], { ...DEFAULT_FILE_LIMITS, maxFileBytes: 5000 });
    expect(result.accepted.map((f) => f.name)).toEqual(['good.pdf']);
    expect(reasonOf(result, 'empty.pdf')).toMatch(/empty/i);
    expect(reasonOf(result, 'fake.pdf')).toMatch(/not a PDF, TIFF, PNG or JPEG/);
    expect(reasonOf(result, 'big.pdf')).toMatch(/6 KB; the largest accepted is 5 KB/);
    expect(reasonOf(result, 'same.pdf')).toMatch(/Same file as "good.pdf"/);
    expect(reasonOf(result, 'gone.pdf')).toMatch(/not found/i);
    expect(result.rejected.find((r) => r.path === locked)?.reason).toMatch(/permission denied/i);
    const reasons = result.rejected.map((r) => r.reason);
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it('expands folders recursively, in name order, and reports an empty folder', async () => {
    await mkdir(join(dir.path, 'batch', 'sub'), { recursive: true });
    await mkdir(join(dir.path, 'nothing'));
    await dir.file('batch/b.pdf', MAGIC.pdf);
    await dir.file('batch/a.jpg', MAGIC.jpeg);
    await dir.file('batch/sub/c.tif', MAGIC.tiffBig);
    const result = await inspectFiles([join(dir.path, 'batch'), join(dir.path, 'nothing')]);
    expect(result.accepted.map((f) => f.name)).toEqual(['a.jpg', 'b.pdf', 'c.tif']);
    expect(result.rejected).toEqual([{ path: join(dir.path, 'nothing'), name: 'nothing', reason: 'Folder contains no files.' }]);
  });

  it('caps a huge folder with a clear message and survives a symlink loop', async () => {
    await mkdir(join(dir.path, 'many'));
    for (let i = 0; i < 7; i += 1) await dir.file(`many/${i}.pdf`, MAGIC.pdf);
    await symlink(join(dir.path, 'many'), join(dir.path, 'many', 'loop'));
    const result = await inspectFiles([join(dir.path, 'many')], { ...DEFAULT_FILE_LIMITS, maxDirectoryFiles: 5 });
    expect(result.accepted).toHaveLength(5);
    expect(reasonOf(result, 'many')).toMatch(/more than 5 files; only the first 5 were taken/);

    const uncapped = await inspectFiles([join(dir.path, 'many')]);
    expect(uncapped.accepted).toHaveLength(7);
    expect(uncapped.rejected).toEqual([]); // the loop is not walked: no copy of a file through it
  });

  it('refuses documents beyond the per-job limit', async () => {
    const paths = await Promise.all([1, 2, 3].map((n) => dir.file(`${n}.pdf`, MAGIC.pdf)));
    const result = await inspectFiles(paths, { ...DEFAULT_FILE_LIMITS, maxFilesPerJob: 2 });
    expect(result.accepted).toHaveLength(2);
    expect(reasonOf(result, '3.pdf')).toMatch(/at most 2 documents/);
  });
});
