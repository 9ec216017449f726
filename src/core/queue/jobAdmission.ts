/**
 * From inputs to jobs on disk: every input is judged on its own (one bad job
 * never refuses the others), the accepted ones are booked, unseen, and made
 * durable by their intake group's write. A failed write takes them all back
 * out, so the caller was told the truth: nothing of them was queued.
 */
import { randomUUID } from 'node:crypto';
import type { JobFile, QueueJob } from '../../shared/queueJob';
import type { FileLimits } from '../files/fileInspector';
import type { JobBook } from './jobBook';
import type { JobIntake } from './jobIntake';
import { asInputError, validateJobInput } from './jobInput';
import { newQueueJob } from './jobTransitions';
import { QueueInputError, type EnqueueResult } from './types';

export interface AdmissionDeps {
  intake: JobIntake;
  book: JobBook;
  limits: FileLimits;
  /** Resolves once the saved queue is loaded: nothing may be booked (and written) before that. */
  loaded: () => Promise<void>;
  now: () => number;
  isClosed: () => boolean;
  /** The content hash of a file checked (inspect) before it was enqueued, if known. */
  hashOf?: (file: JobFile) => string | undefined;
}

/** One result per input, in order; the accepted jobs are on disk but not yet published (the caller does that). */
export async function admitJobs(inputs: readonly unknown[], deps: AdmissionDeps): Promise<EnqueueResult[]> {
  // Files are checked while the saved queue loads: the checks do not depend on it.
  // Array.from: a hole in a sparse list becomes an undefined input with its own refusal, not a missing result.
  const judged = deps.intake.validateAll(Array.from(inputs), (input) => validateJobInput(input, deps.limits));
  await deps.loaded();
  const verdicts = await judged;
  const now = deps.now();
  const jobs: QueueJob[] = [];
  // Seed 004 batches: the charts of one drop or jobs file share an id (sent only where the backend knows batches).
  const batchId = verdicts.filter((verdict) => verdict.ok).length > 1 ? randomUUID() : undefined;
  const results: EnqueueResult[] = verdicts.map((verdict) => {
    if (!verdict.ok) return { ok: false, error: asInputError(verdict.error) };
    // Closed while this input was being checked: nothing may be added any more.
    if (deps.isClosed()) return { ok: false, error: new QueueInputError('closed', 'The queue is shut down.') };
    const files = verdict.value.files.map((file) => {
      const sha256 = deps.hashOf?.(file);
      return sha256 === undefined ? file : { ...file, sha256 };
    });
    const job = newQueueJob(verdict.value.chartNumber, files, now);
    if (batchId !== undefined) job.batchId = batchId;
    deps.book.addPending(job);
    jobs.push(job);
    return { ok: true, job };
  });
  if (jobs.length === 0) return results;
  try {
    await deps.intake.commit(jobs.length); // durable BEFORE any byte is sent: a crash now loses nothing
  } catch (error) {
    for (const job of jobs) deps.book.drop(job, { silent: true });
    const message = `The job could not be saved to disk, so nothing was queued (${String(error)}).`;
    return results.map((result) => (result.ok ? { ok: false, error: new QueueInputError('storage', message) } : result));
  }
  return results;
}
