/**
 * The queue's side of following jobs on the server: what the tracker is asked
 * to follow, what a server update does to a job, and which jobs a server
 * switch leaves behind. A job is followed only on the backend that accepted it
 * (its `acceptedBy`); a job saved before jobs recorded theirs counts as the
 * backend in use when it was loaded.
 */
import type { ServerJobState } from '../../shared/jobState';
import { isFinishedStage, type QueueJob } from '../../shared/queueJob';
import type { Logger } from '../base/logger';
import type { JobBook } from './jobBook';
import { followsServer, leftOnPreviousServer, withServerState } from './jobTransitions';
import type { JobTracker, QueueEvent } from './types';

export interface ServerFollowingDeps {
  book: JobBook;
  tracker: JobTracker;
  logger: Logger;
  emit: (event: QueueEvent) => void;
  /** The backend in use: its ServerTarget identity, else its baseUrl. */
  identity: () => string;
  /** A job reached its end: trim the history, start waiting uploads. */
  ended: () => void;
}

export class ServerFollowing {
  constructor(private readonly d: ServerFollowingDeps) {}

  /** `legacyIdentity` stands for the backend of a job saved before jobs recorded theirs. */
  acceptedHere(job: QueueJob, legacyIdentity = this.d.identity()): boolean {
    return (job.acceptedBy ?? legacyIdentity) === this.d.identity();
  }

  /** Asks the tracker to follow a job the server in use accepted; `known`: what we last knew of it, if anything. */
  follow(job: QueueJob, known: ServerJobState | undefined): void {
    if (job.jobId !== null) this.d.tracker.track(job.jobId, { chartNumber: job.chartNumber, ...(job.batchId !== undefined && { batchId: job.batchId }) }, known);
  }

  /** Stops following a job that is still being followed (cancel, remove). */
  unfollow(job: QueueJob): void {
    if (job.stage === 'tracking' && job.jobId !== null) this.d.tracker.untrack(job.jobId);
  }

  /** An update from the tracker: applied to its job if the job still follows the server. */
  apply(state: ServerJobState): void {
    const { book, emit, logger } = this.d;
    const job = book.byServerJobId(state.jobId);
    if (job === undefined || !followsServer(job)) return;
    const { patch, finished } = withServerState(job, state);
    const next = book.update(job, patch);
    // The server retried a job it had given up on: the tracker dropped it from its wanted set, so ask again.
    if (isFinishedStage(job.stage) && next.stage === 'tracking') this.follow(next, state);
    emit({ type: 'phase', job: next });
    if (finished) {
      logger.info(`job ${next.stage}`, { job: next.id });
      emit({ type: 'done', job: next });
      this.d.ended();
    }
  }

  /** Ends the jobs another backend accepted and is still processing: the server in use cannot follow them. */
  leaveOtherServersJobs(legacyIdentity: string): void {
    const { book, emit, logger } = this.d;
    let left = 0;
    for (const job of book.durable()) {
      if (job.stage !== 'tracking' || job.jobId === null || this.acceptedHere(job, legacyIdentity)) continue;
      this.d.tracker.untrack(job.jobId);
      emit({ type: 'done', job: book.update(job, leftOnPreviousServer()) });
      left++;
    }
    if (left === 0) return;
    logger.warn('jobs left on the previous server', { jobs: left });
    this.d.ended();
  }
}
