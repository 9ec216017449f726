/**
 * "Already sent?" in parts, on real files: which checked files get a hash (one
 * that cannot be read is left out), a file checked once is not read again, and
 * the job named for sent content is the newest one whatever the order.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentHashes, findSeenBefore } from '../../../src/core/queue/alreadySent';
import type { JobFile } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';
import { sampleJob } from '../../support/sampleJob';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await dir.remove();
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const fileAt = (path: string, size: number): JobFile => ({ path, name: path.split('/').pop()!, size, type: 'pdf' });

describe('ContentHashes', () => {
  it('hashes the readable files only, and answers for them later without reading them again', async () => {
    const a = fileAt(await dir.file('a.pdf', 'content a'), 9);
    const gone = fileAt(`${dir.path}/gone.pdf`, 4);
    const hashes = new ContentHashes();
    expect(await hashes.hashAll([a, gone])).toEqual([{ ...a, sha256: sha('content a') }]);
    expect(hashes.hashOf(a)).toBe(sha('content a'));
    expect(hashes.hashOf(gone)).toBeUndefined();

    // Checked once: the same file (same path, size, identity) is not read again.
    await rm(a.path);
    expect(await hashes.hashAll([a])).toEqual([{ ...a, sha256: sha('content a') }]);
  });
});

describe('findSeenBefore', () => {
  it('names the newest job holding the content, whatever the order of the jobs; at equal times the later one', () => {
    const drop = [{ ...fileAt('/d/scan.pdf', 3), sha256: 'h1' }];
    const sent = (id: string, createdAt: number, chartNumber: string) =>
      sampleJob({ id, createdAt, chartNumber, files: [{ ...fileAt(`/old/${id}.pdf`, 3), sha256: 'h1' }] });
    expect(findSeenBefore(drop, [sent('new', 2_000, 'CH-NEW'), sent('old', 1_000, 'CH-OLD')])).toEqual([
      { path: '/d/scan.pdf', sentAt: 2_000, chartNumber: 'CH-NEW', twiceInDrop: false },
    ]);
    expect(findSeenBefore(drop, [sent('first', 1_000, 'CH-1'), sent('second', 1_000, 'CH-2')])[0]?.chartNumber).toBe('CH-2');
  });
});
