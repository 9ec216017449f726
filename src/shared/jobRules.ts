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

/** Anything still on its way (queued, uploading, followed on the server) can be cancelled. */
export function canCancel(job: Pick<QueueJob, 'stage'>): boolean {
  return !isFinishedStage(job.stage);
}

/** Results exist only for a completed job. */
export function hasResults(job: Pick<QueueJob, 'stage'>): boolean {
  return job.stage === 'completed';
}

/** Its files can be shown in the file manager once they were sent or judged. */
export function canReveal(job: Pick<QueueJob, 'stage'>): boolean {
  return job.stage === 'tracking' || job.stage === 'completed' || job.stage === 'failed' || job.stage === 'rejected';
}

/** Offered for an ended job (one still on its way is cancelled first); main and the queue remove any job asked for. */
export function canRemove(job: Pick<QueueJob, 'stage'>): boolean {
  return isFinishedStage(job.stage);
}

export const RETRY_REFUSAL = 'Only a failed, rejected or cancelled job can be retried.';
export const CANCEL_REFUSAL = 'That job has already finished; there is nothing to cancel.';
