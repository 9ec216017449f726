/**
 * The list's filters, as pure functions on jobs. Its order (newest first) is
 * shared/queueJob.ts `isBefore`: main picks the first screen's jobs by it too.
 * The store keeps both incrementally (jobIndex.ts).
 */
import type { QueueJob } from '../../shared/queueJob';
import { filterOf, tallyOf } from './jobTally';

export type JobFilter = 'all' | 'active' | 'completed' | 'failed' | 'blocked' | 'cancelled';
export const JOB_FILTERS: readonly JobFilter[] = ['all', 'active', 'completed', 'failed', 'blocked', 'cancelled'];

export function matchesFilter(job: QueueJob, filter: JobFilter): boolean {
  return filter === 'all' || filterOf(job) === filter;
}

/** From scratch; the store keeps the same counts incrementally (jobTally.ts). */
export function countByFilter(jobs: readonly QueueJob[]): Record<JobFilter, number> {
  return tallyOf(jobs).counts;
}
