/**
 * The queue's pure job transitions: what a job becomes when the server says
 * something, or when the user asks to retry. No I/O, no clock.
 */
import { randomUUID } from 'node:crypto';
import { initialServerJob, isFinal, type ServerJobState } from '../../shared/jobState';
import { canRetry } from '../../shared/jobRules';
import type { JobFile, QueueJob } from '../../shared/queueJob';
import type { UploadVerdict } from '../upload/uploadRunner';

export function newQueueJob(chartNumber: string, files: JobFile[], now: number): QueueJob {
  return {
    id: randomUUID(),
    chartNumber,
    files,
    stage: 'queued',
    idempotencyKey: randomUUID(),
    jobId: null,
    createdAt: now,
    updatedAt: now,
    upload: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    server: null,
    error: null,
  };
}

/** Stages in which server updates still belong to the job (a locally cancelled job ignores them, and so does one left on another server). */
export function followsServer(job: QueueJob): boolean {
  return (
    job.jobId !== null &&
    (job.stage === 'tracking' || job.stage === 'completed' || job.stage === 'failed' || job.stage === 'blocked') &&
    job.error?.code !== LEFT_ON_PREVIOUS_SERVER
  );
}

export const LEFT_ON_PREVIOUS_SERVER = 'server_changed';

/**
 * The server was switched while another one was processing this job: the job cannot be
 * followed on the new server (it does not know it), so it ends, saying why. Retry uploads
 * the documents to the server in use (planRetry: the old job id and key are dropped).
 */
export function leftOnPreviousServer(): Partial<QueueJob> {
  return {
    stage: 'failed',
    error: {
      code: LEFT_ON_PREVIOUS_SERVER,
      message: 'The server was changed while the previous one was processing this job; its outcome stays there. Retry sends the documents to the current server.',
    },
  };
}

/** The job after an applied server update; `finished` tells whether it just reached an end. */
export function withServerState(job: QueueJob, state: ServerJobState): { patch: Partial<QueueJob>; finished: boolean } {
  if (!isFinal(state)) {
    // A newer update after a final `failed` reopens the job (the server retried after all).
    return { patch: { server: state, stage: 'tracking', error: null }, finished: false };
  }
  const stage = state.status === 'completed' || state.status === 'cancelled' || state.status === 'blocked' ? state.status : 'failed';
  const error =
    stage === 'failed'
      ? { code: 'server_failed', message: state.message || 'The server could not process the documents.' }
      : stage === 'blocked'
        ? { code: 'server_blocked', message: state.message || 'Held by a quality check: a person needs to look at it.' }
        : null;
  return { patch: { server: state, stage, error, cancelRequested: false }, finished: job.stage !== stage };
}

export type RetryPlan =
  /** Locally cancelled while the server kept the job: follow it again. */
  | { kind: 'retrack'; patch: Partial<QueueJob> }
  | { kind: 'reupload'; patch: Partial<QueueJob> };

/**
 * Retry keeps the Idempotency-Key whenever the server may hold a job for it
 * (a lost answer, a cancel mid-transfer, a failure after many tries), so
 * retrying can never create a duplicate. A new key is used only when the old
 * one is certainly useless: the server refused it (4xx, `rejected`), or the
 * server's job for it has ended `failed` (the old key would only return that dead job).
 * A job cancelled while another server (before a switch) was processing it cannot be followed
 * here (`onThisServer` false): it is uploaded again, with a new key.
 * Returns null when the job is not in a stage that can be retried.
 */
export function planRetry(job: QueueJob, onThisServer: boolean): RetryPlan | null {
  if (!canRetry(job)) return null;
  if (onThisServer && job.jobId !== null && job.stage === 'cancelled' && (job.server === null || !isFinal(job.server))) {
    return { kind: 'retrack', patch: { stage: 'tracking', error: null } };
  }
  const serverJobEnded = job.jobId !== null;
  const newKey = job.stage === 'rejected' || serverJobEnded;
  return {
    kind: 'reupload',
    patch: {
      stage: 'queued',
      idempotencyKey: newKey ? randomUUID() : job.idempotencyKey,
      jobId: serverJobEnded ? null : job.jobId,
      server: serverJobEnded ? null : job.server,
      uploadAttempts: 0,
      nextUploadAt: null,
      upload: null,
      error: null,
    },
  };
}

/**
 * The job after its upload's verdict (never 'aborted': whoever aborted has already moved the job).
 * `outcome` says what the queue must do besides: track, hold for credentials, or report the end.
 */
export function withUploadVerdict(
  verdict: Exclude<UploadVerdict, { action: 'aborted' }>,
  serverIdentity: string,
): { patch: Partial<QueueJob>; outcome: 'uploaded' | 'auth' | 'ended' } {
  const base = { upload: null, nextUploadAt: null };
  switch (verdict.action) {
    case 'accepted':
      return {
        patch: { ...base, stage: 'tracking', jobId: verdict.jobId, server: initialServerJob(verdict.jobId), acceptedBy: serverIdentity, error: null },
        outcome: 'uploaded',
      };
    case 'auth':
      // Not the job's fault: it waits in the queue until the credentials change.
      return { patch: { ...base, stage: 'queued', error: { code: 'auth', message: verdict.message } }, outcome: 'auth' };
    case 'reject':
    case 'fail':
      return {
        patch: { ...base, stage: verdict.action === 'reject' ? 'rejected' : 'failed', error: { code: verdict.code, message: verdict.message } },
        outcome: 'ended',
      };
  }
}
