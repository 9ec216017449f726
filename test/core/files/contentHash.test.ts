import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashKey, sha256OfFile } from '../../../src/core/files/contentHash';
import { makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await dir.remove();
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('sha256OfFile ("Already sent?")', () => {
  it('gives the SHA-256 of the whole content, also across many read chunks', async () => {
    const small = Buffer.from('%PDF-1.7 small');
    // Over 1 MiB: read in more than one chunk, every chunk counted once and in order.
    const large = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31) % 251;
    expect(await sha256OfFile(await dir.file('small.pdf', small))).toBe(sha256(small));
    expect(await sha256OfFile(await dir.file('large.tif', large))).toBe(sha256(large));
  });

  it('an empty file has the empty hash; a missing file is an error, not a hash', async () => {
    expect(await sha256OfFile(await dir.file('empty.pdf', Buffer.alloc(0)))).toBe(sha256(Buffer.alloc(0)));
    await expect(sha256OfFile(join(dir.path, 'gone.pdf'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('hashKey', () => {
  it('is the same only for the same path, size and file (device, inode)', () => {
    const file = { path: '/scans/a.pdf', size: 10, identity: { dev: 1, ino: 2 } };
    expect(hashKey(file)).toBe(hashKey({ ...file, identity: { dev: 1, ino: 2 } }));
    const others = [
      { ...file, path: '/scans/b.pdf' },
      { ...file, size: 11 },
      { ...file, identity: { dev: 9, ino: 2 } },
      { ...file, identity: { dev: 1, ino: 9 } },
      { path: file.path, size: file.size },
    ];
    const keys = new Set([hashKey(file), ...others.map(hashKey)]);
    expect(keys.size).toBe(others.length + 1);
    // Path and size cannot run into each other ("a1" + "0" vs "a" + "10").
    expect(hashKey({ path: 'a1', size: 0 })).not.toBe(hashKey({ path: 'a', size: 10 }));
  });
});
