/**
 * The window's first snapshot with a long history. Sending 10,000 jobs
 * before the first row can show made opening take most of a second: the
 * first screen shows the newest jobs only. So the first snapshot carries
 * the newest FIRST_SCREEN_JOBS jobs, every job still under way (the batch
 * line and the countdowns are figures over those), and of the rest — older
 * finished jobs — only their number by stage, for the filter counts. The page
 * paints that, then asks for every job (IntakeStore.start).
 */
import type { QueueSnapshot } from './ipc';
import { isFinishedStage, sortNewestFirst, type QueueJob, type Stage } from './queueJob';

/** More rows than the tallest screen shows (a row is 136 px) plus the list's overscan. */
export const FIRST_SCREEN_JOBS = 50;

/** Whether a job may be left out of the first snapshot: it adds nothing to the figures but its count. */
function onlyCounted(job: QueueJob): boolean {
  return isFinishedStage(job.stage) && job.nextUploadAt === null;
}

/** `snapshot` cut to its first screen; the same snapshot when nothing would be left out. */
export function firstScreenOf(snapshot: QueueSnapshot, newest = FIRST_SCREEN_JOBS): QueueSnapshot {
  if (snapshot.jobs.length <= newest) return snapshot;
  const ordered = sortNewestFirst(snapshot.jobs);
  const jobs = ordered.slice(0, newest);
  const stages: Partial<Record<Stage, number>> = {};
  let first: QueueJob | null = null;
  for (const job of ordered.slice(newest)) {
    if (!onlyCounted(job)) {
      jobs.push(job);
      continue;
    }
    first ??= job;
    stages[job.stage] = (stages[job.stage] ?? 0) + 1;
  }
  if (first === null) return snapshot;
  return { ...snapshot, jobs, rest: { stages, newest: { id: first.id, createdAt: first.createdAt } } };
}
