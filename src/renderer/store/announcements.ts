/**
 * What the screen-reader live region says when a batch of deltas arrives.
 * Only endings are announced (completed, failed for good, rejected, cancelled): a phase
 * change every second would drown the user, so phases stay silent.
 */
import type { QueueChange, QueueJob, Stage } from '../../shared/queueJob';

const ANNOUNCED: Partial<Record<Stage, string>> = {
  completed: 'completed',
  failed: 'failed',
  rejected: 'was rejected by the server',
  // A cancel at the server ends later than the click, or not at all (the server cannot cancel): say how it ended.
  cancelled: 'was cancelled',
};

/** `before`: the jobs as they were before `changes` (a Map or the store's JobIndex). */
export function announcementsFor(before: { get(id: string): QueueJob | undefined }, changes: readonly QueueChange[]): string[] {
  const messages: string[] = [];
  for (const change of changes) {
    if (change.type !== 'upsert') continue;
    const verb = ANNOUNCED[change.job.stage];
    if (verb === undefined) continue;
    if (before.get(change.job.id)?.stage === change.job.stage) continue;
    // Server messages end with their own full stop; one sentence gets one ("…no retries left.", not "left..").
    const why = change.job.stage === 'completed' ? '' : (change.job.error?.message ?? change.job.server?.message ?? '').trim().replace(/[.\s]+$/, '');
    messages.push(`Chart ${change.job.chartNumber} ${verb}${why ? `: ${why}` : ''}.`);
  }
  return messages;
}

/** Many endings in one batch become one sentence, not a burst of them. */
export function summarize(messages: readonly string[]): string | null {
  if (messages.length === 0) return null;
  if (messages.length <= 3) return messages.join(' ');
  return `${messages.length} jobs finished. ${messages.slice(0, 2).join(' ')} …`;
}
