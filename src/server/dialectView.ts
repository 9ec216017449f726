/**
 * A job as a Socket.IO backend shows it (PROTOCOL.md "Backend dialects"):
 * the same pipeline state, in the dialect's status words and field names.
 * Progress is the share of the pipeline done; a failure the server will
 * retry is still `processing` to these backends, whose `failed` is final.
 */
import { statusWord, type SocketIoDialect, type StatusMeaning } from '../shared/dialect';
import { PIPELINE_PHASES } from '../shared/phases';
import { type JobView } from './statusPublisher';

export type DialectJob = Pick<JobView, 'jobId' | 'status' | 'phase' | 'message' | 'timestamp' | 'willRetry'>;

export function meaningOf(job: Pick<JobView, 'status' | 'willRetry'>): StatusMeaning {
  switch (job.status) {
    case 'queued':
      return 'queued';
    case 'completed':
    case 'cancelled':
    case 'blocked':
      return job.status;
    case 'failed':
      return job.willRetry ? 'processing' : 'failed';
    default:
      return 'processing';
  }
}

/** 0 while queued, then in equal steps through the phases, 100 once completed. */
export function progressOf(job: Pick<JobView, 'status' | 'phase'>): number {
  if (job.status === 'completed') return 100;
  const index = PIPELINE_PHASES.indexOf(job.phase as never);
  if (index < 0) return 0;
  return Math.round(((index + 1) / PIPELINE_PHASES.length) * 100);
}

/** The backend's word for a meaning; a backend without one (no `cancelled` in seed 004) says its failure word. */
export function wordOf(dialect: SocketIoDialect, meaning: StatusMeaning): string {
  return statusWord(dialect, meaning) ?? statusWord(dialect, 'failed') ?? meaning;
}

/** The job object of update events, acks and status reads. */
export function dialectJobObject(dialect: SocketIoDialect, job: DialectJob, batchId?: string): Record<string, unknown> {
  const { fields } = dialect;
  const meaning = meaningOf(job);
  // Seed 002/003 fills error_message only for a failure; seed 004 always says what happens.
  const message = dialect.base === 'socketio-rooms' && meaning !== 'failed' && meaning !== 'blocked' && meaning !== 'cancelled' ? null : job.message;
  return {
    [fields.objectId]: job.jobId,
    [fields.status]: wordOf(dialect, meaning),
    [fields.progress]: progressOf(job),
    [fields.message]: message,
    [fields.timestamp]: job.timestamp,
    ...(batchId !== undefined && { [fields.batchId]: batchId }),
  };
}

export function isEndMeaning(meaning: StatusMeaning): boolean {
  return meaning === 'completed' || meaning === 'failed' || meaning === 'cancelled' || meaning === 'blocked';
}

/** Seed 004's `batch:update`: how many jobs of the batch ended, and the mean progress. */
export function batchObject(dialect: SocketIoDialect, batchId: string, jobs: readonly DialectJob[]): Record<string, unknown> {
  const ended = jobs.filter((job) => isEndMeaning(meaningOf(job))).length;
  const progress = jobs.length === 0 ? 0 : Math.round(jobs.reduce((sum, job) => sum + progressOf(job), 0) / jobs.length);
  const latest = jobs.reduce((max, job) => (job.timestamp > max ? job.timestamp : max), '');
  return {
    [dialect.fields.batchId]: batchId,
    total: jobs.length,
    completed: ended,
    progress,
    status: ended === jobs.length ? 'completed' : 'running',
    message: `${ended} of ${jobs.length} done`,
    timestamp: latest === '' ? new Date().toISOString() : latest,
  };
}
