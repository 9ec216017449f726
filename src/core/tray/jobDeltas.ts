/**
 * Turns the queue's changes into what the page needs: a job it has not seen
 * whole, then only the fields that changed since the version it was sent
 * (shared/jobDelta.ts). Remembers, per job, the version last handed over: the
 * frozen job object itself, so this costs a reference per job, not a copy.
 *
 * Correct across a page (re)load as long as the caller delivers every
 * batch it made before answering the page's snapshot request: the snapshot is
 * then newer than every patch's base, and patches replayed on top of it in
 * order end at the snapshot's values (see the renderer's IntakeStore.start).
 */
import { diffJob, type JobDelta } from '../../shared/jobDelta';
import type { QueueChange, QueueJob } from '../../shared/queueJob';

export class JobDeltas {
  private readonly sent = new Map<string, QueueJob>();

  encode(changes: readonly QueueChange[]): JobDelta[] {
    const out: JobDelta[] = [];
    for (const change of changes) {
      if (change.type === 'remove') {
        this.sent.delete(change.id);
        out.push(change);
        continue;
      }
      const { job } = change;
      const before = this.sent.get(job.id);
      this.sent.set(job.id, job);
      if (before === undefined) out.push(change);
      else if (before !== job) {
        const fields = diffJob(before, job);
        if (fields.length > 0) out.push({ type: 'patch', id: job.id, fields });
      }
    }
    return out;
  }
}
