/**
 * Dropped folders: what is taken from them, in which order, and what the user
 * is told about what was not; and the words for what other systems answer
 * where Linux does not (Windows refuses to open a folder, reports a file
 * another program holds as locked).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, open, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS, inspectFiles } from '../../../src/core/files/fileInspector';
import { FileProbe, lookInThreadPool, type LookRequest, type LookResult } from '../../../src/core/files/fileProbe';
import { SNIFF_BYTES } from '../../../src/shared/documentType';
import { MAGIC, makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-folders-');
});
afterEach(async () => {
  // Node's recursive rm cannot reach below PATH_MAX; rm(1) can.
  execFileSync('rm', ['-rf', dir.path]);
});

const names = (files: readonly { name: string }[]) => files.map((f) => f.name);

/** The probe as another system answers it: the paths named fail with the code given, the rest are looked at for real. */
class OtherSystemProbe extends FileProbe {
  constructor(private readonly failures: ReadonlyMap<string, string | undefined>) {
    super({ sniffBytes: SNIFF_BYTES });
  }

  override async look(requests: readonly LookRequest[]): Promise<LookResult[]> {
    const results = await lookInThreadPool(requests, SNIFF_BYTES);
    return results.map((result, i) => (this.failures.has(requests[i]!.path) ? { code: this.failures.get(requests[i]!.path) } : result));
  }
}

describe('inspectFiles on dropped folders', () => {
  it("takes a folder's files in one name order on every system, not in the order the system lists them", async () => {
    // Windows lists a folder in NTFS's own order; Linux's listing (libuv) in UTF-8 byte order, which differs from the
    // UTF-16 order used everywhere for names outside the basic plane: a page emoji comes after a fullwidth "a" in bytes.
    const folder = join(dir.path, 'batch');
    await mkdir(folder);
    const created = ['\uFF41.pdf', 'b.pdf', '\u{1F4C4}.pdf', 'a.pdf'];
    for (const name of created) await dir.file(`batch/${name}`, MAGIC.pdf);
    const result = await inspectFiles([folder]);
    expect(names(result.accepted)).toEqual(['a.pdf', 'b.pdf', '\u{1F4C4}.pdf', '\uFF41.pdf']);
    expect(result.rejected).toEqual([]);
  });

  it('follows links in a dropped folder, to a file and to another folder, and takes each file once', async () => {
    await mkdir(join(dir.path, 'batch'));
    await mkdir(join(dir.path, 'elsewhere'));
    const outside = await dir.file('outside.pdf', MAGIC.pdf);
    await dir.file('elsewhere/inner.png', MAGIC.png);
    await symlink(outside, join(dir.path, 'batch', 'a-link.pdf'));
    await symlink(join(dir.path, 'elsewhere'), join(dir.path, 'batch', 'b-folder'));
    await symlink(join(dir.path, 'batch'), join(dir.path, 'batch', 'c-loop'));
    const result = await inspectFiles([join(dir.path, 'batch')]);
    expect(names(result.accepted)).toEqual(['a-link.pdf', 'inner.png']);
    expect(result.rejected).toEqual([]);
  });

  it('the cap counts the files of sub-folders too, and says so on the dropped folder', async () => {
    await mkdir(join(dir.path, 'many', 'sub'), { recursive: true });
    for (let i = 0; i < 7; i += 1) await dir.file(`many/sub/${i}.pdf`, MAGIC.pdf);
    const result = await inspectFiles([join(dir.path, 'many')], { ...DEFAULT_FILE_LIMITS, maxDirectoryFiles: 5 });
    expect(result.accepted).toHaveLength(5);
    expect(result.rejected.map((r) => [r.name, r.reason])).toEqual([
      ['many', 'Folder holds more than 5 files; only the first 5 were taken. Add the rest separately.'],
    ]);
  });

  it('a sub-folder that cannot be listed is named with the reason, not skipped in silence', async () => {
    // A folder whose path is longer than the system allows (PATH_MAX) cannot be listed, by root either.
    const level = 'd'.repeat(200);
    const tooDeepIn = (folder: string) =>
      execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 25); do mkdir "$2" && cd "$2"; done && printf '%%PDF-1.7' > deep.pdf`, 'deep', folder, level]);
    const top = join(dir.path, 'batch');
    await mkdir(top);
    await dir.file('batch/a.pdf', MAGIC.pdf);
    tooDeepIn(top);
    const onlyDeep = join(dir.path, 'only-deep');
    await mkdir(onlyDeep);
    tooDeepIn(onlyDeep);
    const result = await inspectFiles([top, onlyDeep]);
    expect(names(result.accepted)).toEqual(['a.pdf']);
    // One word each; a folder whose only sub-folder could not be read is not also "empty".
    expect(result.rejected.map((r) => [r.name, r.reason])).toEqual([
      [level, 'Folder could not be read (ENAMETOOLONG); the files in it were not taken.'],
      [level, 'Folder could not be read (ENAMETOOLONG); the files in it were not taken.'],
    ]);
  });

  it('a file gone by the time its duplicates are looked for is refused, not sent', async () => {
    const gone = await dir.file('gone.pdf', MAGIC.pdf);
    const other = await dir.file('other.pdf', MAGIC.png);
    // Held open and deleted: /proc/self/fd/N still opens it, but names nothing on disk any more (its real path fails).
    const handle = await open(gone, 'r');
    try {
      await unlink(gone);
      const path = `/proc/self/fd/${handle.fd}`;
      const result = await inspectFiles([path, other]);
      expect(names(result.accepted)).toEqual(['other.pdf']);
      expect(result.rejected).toEqual([{ path, name: String(handle.fd), reason: 'File not found (it was moved or deleted).' }]);
    } finally {
      await handle.close();
    }
  });
});

describe('inspectFiles on what other systems answer', () => {
  it('a dropped folder that the system refuses to open (Windows: EISDIR) is still listed', async () => {
    const folder = join(dir.path, 'batch');
    await mkdir(folder);
    await dir.file('batch/scan.pdf', MAGIC.pdf);
    const probe = new OtherSystemProbe(new Map([[folder, 'EISDIR']]));
    const result = await inspectFiles([folder], DEFAULT_FILE_LIMITS, probe);
    expect(names(result.accepted)).toEqual(['scan.pdf']);
    expect(result.rejected).toEqual([]);
  });

  it('a file locked by another program, one refused by the system, and an error with no code each get their words', async () => {
    const locked = await dir.file('locked.pdf', MAGIC.pdf);
    const refused = await dir.file('refused.pdf', MAGIC.pdf);
    const odd = await dir.file('odd.pdf', MAGIC.pdf);
    const probe = new OtherSystemProbe(
      new Map([
        [locked, 'EBUSY'],
        [refused, 'EPERM'],
        [odd, undefined],
      ]),
    );
    const result = await inspectFiles([locked, refused, odd], DEFAULT_FILE_LIMITS, probe);
    expect(result.accepted).toEqual([]);
    expect(result.rejected.map((r) => [r.name, r.reason])).toEqual([
      ['locked.pdf', 'File is locked by another program.'],
      ['refused.pdf', 'File cannot be read: permission denied.'],
      ['odd.pdf', 'File cannot be read (unknown error).'],
    ]);
  });
});
