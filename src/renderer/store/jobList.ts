/**
 * The list's filters and its order (newest first, one entry per job id), as
 * pure functions on jobs. The store keeps the order incrementally (jobIndex.ts).
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

/** Newer first; equal times fall back to the id so the order never flickers. */
export function isBefore(a: QueueJob, b: QueueJob): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

export function sortNewestFirst(jobs: readonly QueueJob[]): QueueJob[] {
  return [...jobs].sort((a, b) => (a.id === b.id ? 0 : isBefore(a, b) ? -1 : 1));
}
