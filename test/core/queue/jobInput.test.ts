/**
 * What `enqueue` accepts, on real files in a temp folder: a refused job says
 * why (its code and the message the user reads), and a job with any bad file
 * is refused whole.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS } from '../../../src/core/files/fileInspector';
import { identityOf } from '../../../src/core/files/fileIdentity';
import { asInputError, validateJobInput } from '../../../src/core/queue/jobInput';
import { QueueInputError } from '../../../src/core/queue/types';
import { makeTempDir, type TempDir } from '../../support/files';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await dir.remove();
});

async function refusal(input: unknown): Promise<{ code: string; message: string }> {
  const error = await validateJobInput(input, DEFAULT_FILE_LIMITS).then(
    () => expect.fail('accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueueInputError);
  const { code, message } = error as QueueInputError;
  return { code, message };
}

describe('validateJobInput', () => {
  it('accepts a trimmed chart number with plain and pinned paths', async () => {
    const plain = await dir.pdf('a.pdf');
    const pinned = await dir.pdf('b.pdf');
    const result = await validateJobInput({ chartNumber: '  CH-1 ', files: [plain, { path: pinned, identity: identityOf(await stat(pinned)) }] }, DEFAULT_FILE_LIMITS);
    expect(result.chartNumber).toBe('CH-1');
    expect(result.files.map((f) => f.name)).toEqual(['a.pdf', 'b.pdf']);
  });

  it('a missing or non-text chart number is refused as required', async () => {
    const file = await dir.pdf('a.pdf');
    expect(await refusal({ files: [file] })).toEqual({ code: 'invalid_chart_number', message: 'Chart number is required.' });
    expect(await refusal({ chartNumber: 42, files: [file] })).toEqual({ code: 'invalid_chart_number', message: 'Chart number is required.' });
    expect(await refusal(null)).toEqual({ code: 'invalid_chart_number', message: 'Chart number is required.' });
  });

  it('no files, or files that are not a list, ask for a document', async () => {
    const none = { code: 'no_files', message: 'Add at least one document.' };
    expect(await refusal({ chartNumber: 'CH-1' })).toEqual(none);
    expect(await refusal({ chartNumber: 'CH-1', files: [] })).toEqual(none);
    expect(await refusal({ chartNumber: 'CH-1', files: 'a.pdf' })).toEqual(none);
  });

  it('any path that is empty or not a path (a pinned path without a whole identity) refuses the job', async () => {
    const good = await dir.pdf('a.pdf');
    const { dev, ino } = identityOf(await stat(good));
    const bad = { code: 'invalid_argument', message: 'Every file must be given as a non-empty path.' };
    for (const given of ['', 7, null, { path: '', identity: { dev, ino } }, { path: good }, { path: good, identity: { dev } }, { path: good, identity: { ino } }, { identity: { dev, ino } }]) {
      expect(await refusal({ chartNumber: 'CH-1', files: [good, given] }), JSON.stringify(given)).toEqual(bad);
    }
  });

  it('a file that cannot be sent refuses the whole job, naming each one and why', async () => {
    const good = await dir.pdf('a.pdf');
    const text = await dir.file('notes.txt', 'just words');
    const empty = join(dir.path, 'empty');
    await mkdir(empty);
    const error = await validateJobInput({ chartNumber: 'CH-1', files: [good, text, empty] }, DEFAULT_FILE_LIMITS).catch((e: unknown) => e as QueueInputError);
    expect(error).toBeInstanceOf(QueueInputError);
    const { code, message, rejected } = error as QueueInputError;
    expect(code).toBe('invalid_files');
    expect(rejected.map((r) => r.name)).toEqual(['empty', 'notes.txt']);
    expect(rejected[1]!.reason.length).toBeGreaterThan(0);
    // One line per refused item, under the count.
    expect(message).toBe(`Nothing was queued: 2 of the dropped items cannot be sent.\nempty: Folder contains no files.\nnotes.txt: ${rejected[1]!.reason}`);
  });

  it('an empty dropped folder is refused, saying it is empty', async () => {
    const empty = join(dir.path, 'empty');
    await mkdir(empty);
    expect(await refusal({ chartNumber: 'CH-1', files: [empty] })).toEqual({
      code: 'invalid_files',
      message: 'Nothing was queued: 1 of the dropped items cannot be sent.\nempty: Folder contains no files.',
    });
  });
});

describe('asInputError', () => {
  it('keeps a refusal as it is and turns anything else into one that names the failure', () => {
    const refused = new QueueInputError('no_files', 'Add at least one document.');
    expect(asInputError(refused)).toBe(refused);
    const unplanned = asInputError(new Error('EIO: disk went away'));
    expect(unplanned).toBeInstanceOf(QueueInputError);
    expect([unplanned.code, unplanned.message]).toEqual(['invalid_files', 'The documents could not be checked, so nothing was queued (Error: EIO: disk went away).']);
  });
});
