/** The preview's read: real files, the size cap, links, a replaced file, each with its own words. */
import { mkdir, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentReadError, readDocumentBytes } from '../../../src/core/files/documentBytes';
import { identityOf } from '../../../src/core/files/fileIdentity';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => void (dir = await makeTempDir('intake-docbytes-')));
afterEach(async () => dir.remove());

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
    await expect(failure(readDocumentBytes(text, { maxBytes: 100 }))).resolves.toMatchObject({ message: 'This file is no longer a PDF, TIFF, PNG or JPEG document: it is not previewed.' });
  });

  it('refuses another file put under the name of the one that was sent', async () => {
    const path = await dir.pdf('sent.pdf');
    const identity = identityOf(await stat(path));
    await expect(readDocumentBytes(path, { maxBytes: 10_000, identity })).resolves.toMatchObject({ type: 'pdf' });
    await unlink(path);
    await writeFile(join(dir.path, 'placeholder'), 'x'); // keeps the old inode from being reused at once
    await dir.pdf('sent.pdf');
    await expect(failure(readDocumentBytes(path, { maxBytes: 10_000, identity }))).resolves.toEqual({
      code: 'not_found',
      message: 'Another file now has this name: the document that was sent is no longer there.',
    });
  });
});
