/**
 * The hot folder hands the inspector pinned paths (path + the device and inode
 * its finder saw): the very file is checked, never one put in its place, and
 * never through a link planted under its name.
 */
import { mkdir, rename, stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityOf } from '../../../src/core/files/fileIdentity';
import { DEFAULT_FILE_LIMITS, inspectFiles } from '../../../src/core/files/fileInspector';
import { MAGIC, makeTempDir, type TempDir } from '../../support/files';

const REPLACED = 'File was replaced (by a link or another file) after it was found; it was not sent.';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-pinned-');
});
afterEach(() => dir.remove());

const pin = async (path: string) => ({ path, identity: identityOf(await stat(path)) });

describe('inspectFiles with pinned paths', () => {
  it('accepts the very file that was found, with its identity', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const pinned = await pin(path);
    const result = await inspectFiles([pinned]);
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toEqual([{ path, name: 'scan.pdf', size: MAGIC.pdf.length, type: 'pdf', identity: pinned.identity }]);
  });

  it('refuses another file put under the name after it was found', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const pinned = await pin(path);
    const other = await dir.file('other.pdf', MAGIC.pdf);
    await unlink(path);
    await rename(other, path);
    expect((await inspectFiles([pinned])).rejected).toEqual([{ path, name: 'scan.pdf', reason: REPLACED }]);
  });

  it('refuses a link planted under the name, even to a good document', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const target = await dir.file('elsewhere.pdf', MAGIC.pdf);
    const pinned = { path, identity: identityOf(await stat(target)) };
    await unlink(path);
    await symlink(target, path);
    expect((await inspectFiles([pinned])).rejected).toEqual([{ path, name: 'scan.pdf', reason: REPLACED }]);
  });

  it('a pinned path that became a folder or vanished says so', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const pinned = await pin(path);
    await unlink(path);
    expect((await inspectFiles([pinned])).rejected[0]?.reason).toBe('File not found (it was moved or deleted).');
    await mkdir(path);
    expect((await inspectFiles([{ path, identity: identityOf(await stat(path)) }])).rejected[0]?.reason).toBe('Folder could not be read.');
  });
});

describe('inspectFiles limits and duplicates', () => {
  it('a file exactly at the size limit is accepted; one byte more is not', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const limits = { ...DEFAULT_FILE_LIMITS, maxFileBytes: MAGIC.pdf.length };
    expect((await inspectFiles([path], limits)).accepted).toHaveLength(1);
    expect((await inspectFiles([path], { ...limits, maxFileBytes: MAGIC.pdf.length - 1 })).accepted).toHaveLength(0);
  });

  it('checks more files than one batch, each once, and finds the same file given twice', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 11; i++) paths.push(await dir.file(`${String(i).padStart(2, '0')}.pdf`, MAGIC.pdf));
    const result = await inspectFiles([...paths, paths[0]!]);
    expect(result.accepted.map((f) => f.name)).toEqual(paths.map((p) => p.slice(-6)));
    expect(result.rejected).toEqual([{ path: paths[0], name: '00.pdf', reason: 'Same file as "00.pdf", which is already in this job.' }]);
  });

  it('a link to a file already given is the same file', async () => {
    const path = await dir.file('scan.pdf', MAGIC.pdf);
    const link = join(dir.path, 'link.pdf');
    await symlink(path, link);
    const result = await inspectFiles([path, link]);
    expect(result.accepted.map((f) => f.name)).toEqual(['scan.pdf']);
    expect(result.rejected[0]?.reason).toBe('Same file as "scan.pdf", which is already in this job.');
  });

  it('a FIFO is not a document', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = join(dir.path, 'pipe.pdf');
    execFileSync('mkfifo', [fifo]);
    expect((await inspectFiles([fifo])).rejected[0]?.reason).toBe('Not a regular file (a device, socket or pipe cannot be sent).');
  });

  it('says why a path cannot be read: not a folder on the way, a link loop, anything else by its code', async () => {
    const file = await dir.file('scan.pdf', MAGIC.pdf);
    const loop = join(dir.path, 'loop.pdf');
    await symlink(loop, loop);
    const reasons = (await inspectFiles([join(file, 'inner.pdf'), loop, join(dir.path, `${'n'.repeat(300)}.pdf`)])).rejected.map((r) => r.reason);
    expect(reasons).toEqual(['File not found (a part of its path is not a folder).', 'File is a link that points to itself.', 'File cannot be read (ENAMETOOLONG).']);
  });
});
