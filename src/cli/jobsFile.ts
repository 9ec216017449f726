/**
 * `--jobs jobs.json`: many jobs in one run. The file's shape is checked with
 * zod; chart numbers and files are NOT judged here: the queue does that per
 * job, so one bad job is reported as rejected while the others still run.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export interface JobSpec {
  chartNumber: string;
  files: string[];
}

const jobsFileSchema = z
  .array(
    z
      .object({
        chartNumber: z.string({ error: 'chartNumber must be a string' }),
        files: z.array(z.string().min(1, 'a file path must not be empty')).min(1, 'files must list at least one file'),
      })
      .strict(),
  )
  .min(1, 'the list of jobs is empty');

export class JobsFileError extends Error {}

/** Reads and validates the jobs file; relative file paths are resolved against the file's own folder. */
export async function readJobsFile(file: string): Promise<JobSpec[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new JobsFileError(`Cannot read the jobs file: ${describeFsError(error)}.`);
  }
  return parseJobsFile(text, path.dirname(path.resolve(file)));
}

export function parseJobsFile(text: string, baseDir: string): JobSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new JobsFileError(`The jobs file is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = jobsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${describePath(issue.path)}: ${issue.message}`);
    throw new JobsFileError(
      `The jobs file must be a list like [{ "chartNumber": "A1", "files": ["scan.pdf"] }]. ${issues.join('; ')}.`,
    );
  }
  return parsed.data.map((job) => ({
    chartNumber: job.chartNumber,
    files: job.files.map((f) => path.resolve(baseDir, f)),
  }));
}

function describePath(issuePath: readonly PropertyKey[]): string {
  if (issuePath.length === 0) return 'top level';
  return issuePath.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (error as Error).message;
}
