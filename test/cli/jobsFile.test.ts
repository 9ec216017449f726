import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobsFileError, parseJobsFile, readJobsFile } from '../../src/cli/jobsFile';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('jobs file', () => {
  it('resolves relative paths against the jobs file folder and keeps absolute ones', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-jobs-'));
    dirs.push(dir);
    const file = path.join(dir, 'jobs.json');
    await writeFile(file, JSON.stringify([{ chartNumber: 'A1', files: ['scans/a.pdf', '/abs/b.pdf'] }, { chartNumber: 'bad chart!', files: ['c.pdf'] }]));
    expect(await readJobsFile(file)).toEqual([
      { chartNumber: 'A1', files: [path.join(dir, 'scans/a.pdf'), '/abs/b.pdf'] },
      // Chart numbers are judged per job by the queue, so one bad job does not stop the others.
      { chartNumber: 'bad chart!', files: [path.join(dir, 'c.pdf')] },
    ]);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['{"chartNumber":"A","files":["a"]}', 'top level: '],
    ['[]', 'the list of jobs is empty'],
    ['[{"chartNumber":"A","files":[]}]', '[0].files: files must list at least one file'],
    ['[{"chartNumber":7,"files":["a"]}]', '[0].chartNumber: chartNumber must be a string'],
    ['[{"chartNumber":"A","files":["a"]},{"chartNumber":"B"}]', '[1].files'],
    ['[{"chartNumber":"A","files":[""]}]', '[0].files[0]: a file path must not be empty'],
    ['[{"chartNumber":"A","files":["a"],"extra":1}]', 'extra'],
  ])('%s is refused with a precise message', (text, expected) => {
    expect(() => parseJobsFile(text, '/base')).toThrow(JobsFileError);
    expect(() => parseJobsFile(text, '/base')).toThrow(expected);
  });

  it('says when the jobs file cannot be read', async () => {
    await expect(readJobsFile('/nonexistent/jobs.json')).rejects.toThrow('Cannot read the jobs file: no such file.');
  });
});
