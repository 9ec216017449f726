/**
 * One home for what the user may do with a job in each stage. The renderer
 * shows buttons from it, main refuses calls with it and the queue enforces
 * it: the three cannot drift apart.
 */
import { isFinishedStage, type QueueJob } from './queueJob';

/** A failed, rejected or cancelled job can be sent (or followed) again; a completed one cannot. */
export function canRetry(job: Pick<QueueJob, 'stage'>): boolean {
  return isFinishedStage(job.stage) && job.stage !== 'completed';
}

/** Anything still on its way (queued, uploading, followed on the server) can be cancelled, once. */
export function canCancel(job: Pick<QueueJob, 'stage' | 'cancelRequested'>): boolean {
  return !isFinishedStage(job.stage) && job.cancelRequested !== true;
}

/** A cancel of a job the server holds ends only when the server says `cancelled` (PROTOCOL.md §4). */
export function isCancelling(job: Pick<QueueJob, 'stage' | 'cancelRequested'>): boolean {
  return job.stage === 'tracking' && job.cancelRequested === true;
}

/** Results exist only for a completed job. */
export function hasResults(job: Pick<QueueJob, 'stage'>): boolean {
  return job.stage === 'completed';
}

/** Its files can be shown in the file manager once they were sent or judged. */
export function canReveal(job: Pick<QueueJob, 'stage'>): boolean {
  return job.stage === 'tracking' || job.stage === 'completed' || job.stage === 'failed' || job.stage === 'rejected' || job.stage === 'blocked';
}

/** "Show files" (the preview): every job keeps the paths of its files; main says when one is gone. */
export function canPreview(job: Pick<QueueJob, 'files'>): boolean {
  return job.files.length > 0;
}

/** Offered for an ended job (one still on its way is cancelled first); main and the queue remove any job asked for. */
export function canRemove(job: Pick<QueueJob, 'stage'>): boolean {
  return isFinishedStage(job.stage);
}

/**
 * Undo right after sending: a job the server has not accepted yet is taken back (removed, its
 * upload stopped); one the server holds is cancelled there (PROTOCOL.md §4). null: nothing to undo.
 */
export function undoKind(job: Pick<QueueJob, 'stage' | 'cancelRequested'>): 'remove' | 'cancel' | null {
  if (job.stage === 'queued' || job.stage === 'uploading') return 'remove';
  return canCancel(job) ? 'cancel' : null;
}

/**
 * Re-file under another chart number: a job the server has not accepted yet just changes its
 * chart (sent afresh, under a new key); one the server holds is cancelled there and its files sent
 * again under the new chart, in one step. null: an ended job (Retry sends it again).
 */
export function refileKind(job: Pick<QueueJob, 'stage' | 'cancelRequested'>): 'rename' | 'cancelAndResend' | null {
  if (job.stage === 'queued' || job.stage === 'uploading') return 'rename';
  return canCancel(job) ? 'cancelAndResend' : null;
}

export const REFILE_REFUSAL = 'This job has already ended or is being cancelled; it cannot be re-filed.';
export const UNDO_REFUSAL = 'This job has already ended or is being cancelled; there is nothing to undo.';
export const RETRY_REFUSAL = 'Only a failed, rejected or cancelled job can be retried.';
export const CANCEL_REFUSAL = 'That job has already finished, or is being cancelled; there is nothing more to cancel.';
/** PROTOCOL.md §4: a server answering 501 (or 404 without the route) goes on with the job. */
export const CANCEL_UNSUPPORTED = 'The server does not support cancelling: it will finish this job. Intake no longer follows it.';
