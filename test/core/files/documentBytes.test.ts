/** The preview's read: real files, the size cap, links, a replaced file, each with its own words. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readlink, rename, stat, symlink, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentReadError, readDocumentBytes } from '../../../src/core/files/documentBytes';
import { identityOf } from '../../../src/core/files/fileIdentity';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';

let dir: TempDir;
const children: ChildProcess[] = [];
beforeEach(async () => void (dir = await makeTempDir('intake-docbytes-')));
afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await dir.remove();
});

/**
 * A file whose size stat does not know before the read (stat says 0; a file still being written can do the same):
 * a process's command line in /proc, here one that starts with a PDF signature.
 */
async function fileOfUnknownSize(args: string[]): Promise<{ path: string; content: Buffer }> {
  const child = spawn('sleep', ['60', ...args], { argv0: '%PDF-1.7', stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  const content = Buffer.from(['%PDF-1.7', '60', ...args].map((arg) => `${arg}\0`).join(''), 'latin1');
  return { path: `/proc/${child.pid}/cmdline`, content };
}

/** Descriptors this process holds on files in `folder` (Linux: /proc/self/fd names them). */
async function descriptorsIn(folder: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')).startsWith(folder)) count += 1;
  }
  return count;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the read should have failed'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(DocumentReadError);
      return { code: (error as DocumentReadError).code, message: (error as Error).message };
    },
  );

describe('readDocumentBytes', () => {
  it('answers the whole content and the type detected from it', async () => {
    const content = Buffer.concat([MAGIC.png, Buffer.alloc(1000, 9)]);
    const path = await dir.file('named.pdf', content); // the name says PDF, the content says PNG
    const read = await readDocumentBytes(path, { maxBytes: 2000 });
    expect(read.type).toBe('png');
    expect(Buffer.from(read.bytes).equals(content)).toBe(true);
    // What crosses to the page is the file alone: the view's whole buffer, nothing pooled around it.
    expect(read.bytes.byteOffset).toBe(0);
    expect(read.bytes.buffer.byteLength).toBe(content.length);
  });

  it('refuses a document over the cap, saying it can still be sent', async () => {
    const path = await dir.sparse('big.pdf', 5_000_001);
    await expect(failure(readDocumentBytes(path, { maxBytes: 5_000_000 }))).resolves.toEqual({
      code: 'invalid_request',
      message: 'This document is 5 MB; documents over 5 MB are not previewed (it can still be sent).',
    });
    await truncate(path, 5_000_000);
    await expect(readDocumentBytes(path, { maxBytes: 5_000_000 })).resolves.toMatchObject({ type: 'pdf' });
  });

  it('names a missing file, a folder, a link and content that is no document', async () => {
    await expect(failure(readDocumentBytes(join(dir.path, 'gone.pdf'), { maxBytes: 100 }))).resolves.toMatchObject({ code: 'not_found', message: expect.stringMatching(/no longer where it was/) });
    await mkdir(join(dir.path, 'folder'));
    await expect(failure(readDocumentBytes(join(dir.path, 'folder'), { maxBytes: 100 }))).resolves.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/not a file|folder/) });
    const target = await dir.pdf('target.pdf');
    await symlink(target, join(dir.path, 'link.pdf'));
    await expect(failure(readDocumentBytes(join(dir.path, 'link.pdf'), { maxBytes: 10_000 }))).resolves.toMatchObject({ message: expect.stringMatching(/link/) });
    const text = await dir.file('notes.pdf', 'just text');
    await expect(failure(readDocumentBytes(text, { maxBytes: 100 }))).resolves.toEqual({
      code: 'invalid_request',
      message: 'This file is no longer a PDF, TIFF, PNG or JPEG document: it is not previewed.',
    });
  });

  it('tells the page which failures mean the file is gone and which mean it cannot be previewed', async () => {
    const file = await dir.pdf('scan.pdf');
    await symlink(file, join(dir.path, 'link.pdf'));
    const cases = [
      join(file, 'inner.pdf'), // a file where a folder should be
      join(dir.path, 'link.pdf'),
      join(dir.path, `${'n'.repeat(300)}.pdf`), // a name longer than the system allows
    ];
    const results = await Promise.all(cases.map((path) => failure(readDocumentBytes(path, { maxBytes: 10_000 }))));
    expect(results).toEqual([
      { code: 'not_found', message: 'The file is no longer where it was (moved, renamed or deleted).' },
      { code: 'invalid_request', message: 'This name is now a link to another file: links are not followed.' },
      { code: 'invalid_request', message: 'The file could not be read.' },
    ]);
  });

  it('a file it may not read is refused as such', async () => {
    // chmod 000 does not stop root; a write-only sysfs attribute refuses reading even to root.
    let path = '/sys/bus/pci/rescan';
    if (process.getuid?.() !== 0) {
      path = await dir.pdf('locked.pdf');
      await chmod(path, 0o000);
    }
    await expect(failure(readDocumentBytes(path, { maxBytes: 10_000 }))).resolves.toEqual({ code: 'invalid_request', message: 'Intake is not allowed to read this file.' });
  });

  it('the size read decides, not the size stat saw: a file larger than stat said is refused past the cap', async () => {
    const { path, content } = await fileOfUnknownSize(['0', '0', '0', '0', '0', '0', '0', '0', '0', '0']);
    expect(content.length).toBeGreaterThan(20);
    await expect(failure(readDocumentBytes(path, { maxBytes: 20 }))).resolves.toEqual({
      code: 'invalid_request',
      message: 'This document grew past 20 B while it was read; it is not previewed.',
    });
  });

  it('a file whose size was unknown before the read still crosses to the page alone, not with the read buffer around it', async () => {
    const { path, content } = await fileOfUnknownSize(['0']);
    const read = await readDocumentBytes(path, { maxBytes: 10_000 });
    expect(read.type).toBe('pdf');
    expect(Buffer.from(read.bytes).equals(content)).toBe(true);
    expect(read.bytes.byteOffset).toBe(0);
    expect(read.bytes.buffer.byteLength).toBe(content.length);
  });

  it('leaves no descriptor open, whether the read succeeded or was refused', async () => {
    const good = await dir.pdf('good.pdf');
    const big = await dir.pdf('big.pdf', { bytes: 5000 });
    const text = await dir.file('notes.pdf', 'just text');
    await mkdir(join(dir.path, 'folder'));
    await readDocumentBytes(good, { maxBytes: 10_000 });
    await Promise.allSettled([big, text, join(dir.path, 'folder')].map((path) => readDocumentBytes(path, { maxBytes: 1000 })));
    expect(await descriptorsIn(dir.path)).toBe(0);
  });

  it('refuses another file put under the name of the one that was sent', async () => {
    const path = await dir.pdf('sent.pdf');
    const identity = identityOf(await stat(path));
    await expect(readDocumentBytes(path, { maxBytes: 10_000, identity })).resolves.toMatchObject({ type: 'pdf' });
    // Moved aside, not deleted: while it exists its inode cannot be given to the new file (a freed one can).
    await rename(path, join(dir.path, 'moved aside.pdf'));
    await dir.pdf('sent.pdf');
    await expect(failure(readDocumentBytes(path, { maxBytes: 10_000, identity }))).resolves.toEqual({
      code: 'not_found',
      message: 'Another file now has this name: the document that was sent is no longer there.',
    });
  });
});
