/**
 * Pure operations on the renderer's copy of the queue: newest first, one entry
 * per job id. Kept apart from the store so they can be tested with plain arrays.
 */
import type { QueueChange, QueueJob } from '../../shared/queueJob';

export type JobFilter = 'all' | 'active' | 'completed' | 'failed';
export const JOB_FILTERS: readonly JobFilter[] = ['all', 'active', 'completed', 'failed'];

export function matchesFilter(job: QueueJob, filter: JobFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      return job.stage === 'queued' || job.stage === 'uploading' || job.stage === 'tracking';
    case 'completed':
      return job.stage === 'completed';
    case 'failed':
      return job.stage === 'failed' || job.stage === 'rejected';
  }
}

export function countByFilter(jobs: readonly QueueJob[]): Record<JobFilter, number> {
  const counts: Record<JobFilter, number> = { all: jobs.length, active: 0, completed: 0, failed: 0 };
  for (const job of jobs) {
    if (matchesFilter(job, 'active')) counts.active += 1;
    else if (job.stage === 'completed') counts.completed += 1;
    else if (matchesFilter(job, 'failed')) counts.failed += 1;
  }
  return counts;
}

/** Newer first; equal times fall back to the id so the order never flickers. */
function isBefore(a: QueueJob, b: QueueJob): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

export function sortNewestFirst(jobs: readonly QueueJob[]): QueueJob[] {
  return [...jobs].sort((a, b) => (a.id === b.id ? 0 : isBefore(a, b) ? -1 : 1));
}

/**
 * Applies one batch of deltas. Returns the same array when nothing changed, so
 * React skips the render. An upsert replaces in place (rows do not jump); a
 * new job is inserted where its creation time puts it (almost always the top).
 */
export function applyChanges(jobs: readonly QueueJob[], changes: readonly QueueChange[]): readonly QueueJob[] {
  if (changes.length === 0) return jobs;
  let next = [...jobs];
  for (const change of changes) {
    if (change.type === 'remove') {
      next = next.filter((job) => job.id !== change.id);
      continue;
    }
    const index = next.findIndex((job) => job.id === change.job.id);
    if (index >= 0) {
      next[index] = change.job;
      continue;
    }
    let at = 0;
    while (at < next.length && isBefore(next[at] as QueueJob, change.job)) at += 1;
    next.splice(at, 0, change.job);
  }
  return next;
}
