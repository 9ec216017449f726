/**
 * The figures over the whole queue that the window shows (filter counts,
 * finished jobs, the batch progress line, whether a countdown is running),
 * kept as running sums: applying a delta takes the old version of a job out
 * and puts the new one in. A batch of updates then costs O(changed jobs); a
 * pass over 10,000 jobs per animation frame is what made frames drop.
 */
import type { SnapshotRest } from '../../shared/ipc';
import { isFinishedStage, type QueueJob, type Stage } from '../../shared/queueJob';
import type { JobFilter } from './jobList';

export interface BatchFigures {
  active: number;
  waiting: number;
  uploading: number;
  processing: number;
  sentBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface JobTally {
  counts: Record<JobFilter, number>;
  finished: number;
  /** Jobs waiting out an upload backoff: their rows show a countdown. */
  countingDown: number;
  batch: BatchFigures;
}

export function emptyTally(): JobTally {
  return {
    counts: { all: 0, active: 0, completed: 0, failed: 0, blocked: 0, cancelled: 0 },
    finished: 0,
    countingDown: 0,
    batch: { active: 0, waiting: 0, uploading: 0, processing: 0, sentBytes: 0, totalBytes: 0, bytesPerSecond: 0 },
  };
}

/** The one filter besides 'all' a job belongs to. */
export function filterOf(job: QueueJob): Exclude<JobFilter, 'all'> {
  return filterOfStage(job.stage);
}

function filterOfStage(stage: Stage): Exclude<JobFilter, 'all'> {
  switch (stage) {
    case 'queued':
    case 'uploading':
    case 'tracking':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
    case 'rejected':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'blocked':
      return 'blocked';
  }
}

/** Adds (sign 1) or takes away (sign -1) one job's share. Mutates `tally`. */
export function countJob(tally: JobTally, job: QueueJob, sign: 1 | -1): void {
  tally.counts.all += sign;
  const filter = filterOf(job);
  tally.counts[filter] += sign;
  if (isFinishedStage(job.stage)) tally.finished += sign;
  if (job.nextUploadAt !== null) tally.countingDown += sign;
  if (filter !== 'active') return;
  const batch = tally.batch;
  batch.active += sign;
  if (job.stage === 'tracking') {
    batch.processing += sign;
  } else {
    batch.totalBytes += sign * (job.upload?.totalBytes ?? job.files.reduce((sum, file) => sum + file.size, 0));
    if (job.stage === 'uploading') {
      batch.uploading += sign;
      batch.sentBytes += sign * (job.upload?.sentBytes ?? 0);
      batch.bytesPerSecond += sign * (job.upload?.bytesPerSecond ?? 0);
    } else batch.waiting += sign;
  }
  // Rates are fractional: adding and taking away leaves rounding dust behind.
  if (batch.active === 0) Object.assign(batch, { sentBytes: 0, totalBytes: 0, bytesPerSecond: 0 });
}

/** The tally of a whole list, from scratch (a snapshot; tests compare against it). */
export function tallyOf(jobs: Iterable<QueueJob>): JobTally {
  const tally = emptyTally();
  for (const job of jobs) countJob(tally, job, 1);
  return tally;
}

/**
 * `tally` plus the jobs a first-screen snapshot only counted (finished, no countdown: they add
 * to the filter counts and `finished` only). A new object; `batch` keeps its identity.
 */
export function withRest(tally: JobTally, rest: SnapshotRest): JobTally {
  const counts = { ...tally.counts };
  let finished = tally.finished;
  for (const [stage, count] of Object.entries(rest.stages) as [Stage, number][]) {
    counts.all += count;
    counts[filterOfStage(stage)] += count;
    if (isFinishedStage(stage)) finished += count;
  }
  return { ...tally, counts, finished };
}

function sameValues<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => a[key] === b[key]);
}

/**
 * A copy of `current` for the screen that reuses the parts of `published`
 * whose values did not change, so components selecting them skip the render.
 */
export function publishTally(current: JobTally, published: JobTally | null): JobTally {
  const counts = published && sameValues(published.counts, current.counts) ? published.counts : { ...current.counts };
  const batch = published && sameValues(published.batch, current.batch) ? published.batch : { ...current.batch };
  if (published && counts === published.counts && batch === published.batch && published.finished === current.finished && published.countingDown === current.countingDown) {
    return published;
  }
  return { counts, finished: current.finished, countingDown: current.countingDown, batch };
}
