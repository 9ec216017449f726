/**
 * The queue's jobs in memory: one place that replaces a job (jobs are frozen
 * and replaced whole, so a copy handed to a front end never changes under it),
 * publishes the change and marks the state dirty for the next save.
 */
import { isFinishedStage, type QueueJob } from '../../shared/queueJob';
import type { Clock } from '../clock';
import type { ChangeStream } from './changeStream';
import type { SavedChanges } from './types';

export class JobBook {
  private readonly jobs = new Map<string, QueueJob>(); // insertion order = creation order
  private readonly localIdByJobId = new Map<string, string>();
  /** Enqueued jobs whose first write has not finished: invisible and not uploadable yet. */
  private readonly notDurable = new Set<string>();
  /** Jobs added, replaced or dropped since the last takeChanges(): what the next save must write. */
  private readonly unsaved = new Set<string>();

  constructor(
    private readonly changes: ChangeStream,
    private readonly clock: Clock,
    private readonly markDirty: () => void,
  ) {}

  /** Adds a job that is not yet on disk; `publish` makes it visible once it is. */
  addPending(job: QueueJob): void {
    this.jobs.set(job.id, Object.freeze(job));
    this.notDurable.add(job.id);
    this.unsaved.add(job.id);
  }

  publish(id: string): QueueJob | undefined {
    this.notDurable.delete(id);
    const job = this.jobs.get(id);
    if (job !== undefined) this.changes.upsert(job);
    return job;
  }

  /** Adds a job read back from disk. */
  restore(job: QueueJob): QueueJob {
    const frozen = Object.freeze(job);
    this.jobs.set(frozen.id, frozen);
    this.linkServerJob(frozen);
    this.changes.upsert(frozen);
    return frozen;
  }

  update(job: QueueJob, changes: Partial<QueueJob>, save = true): QueueJob {
    const next = Object.freeze({ ...job, ...changes, updatedAt: this.clock.now() });
    this.jobs.set(job.id, next);
    this.unsaved.add(job.id);
    if (job.jobId !== null && next.jobId !== job.jobId && this.localIdByJobId.get(job.jobId) === job.id) this.localIdByJobId.delete(job.jobId);
    this.linkServerJob(next);
    if (!this.notDurable.has(job.id)) this.changes.upsert(next);
    if (save) this.markDirty();
    return next;
  }

  drop(job: QueueJob, { silent = false } = {}): void {
    this.jobs.delete(job.id);
    this.notDurable.delete(job.id);
    this.unsaved.add(job.id);
    if (job.jobId !== null && this.localIdByJobId.get(job.jobId) === job.id) this.localIdByJobId.delete(job.jobId);
    if (!silent) {
      this.changes.remove(job.id);
      this.markDirty();
    }
  }

  get(id: string): QueueJob | undefined {
    return this.notDurable.has(id) ? undefined : this.jobs.get(id);
  }

  byServerJobId(jobId: string): QueueJob | undefined {
    const id = this.localIdByJobId.get(jobId);
    return id === undefined ? undefined : this.get(id);
  }

  /** Oldest first; only jobs that are on disk. */
  durable(): QueueJob[] {
    return [...this.durableJobs()];
  }

  /** The same, lazily: a caller that stops early pays only for what it read. */
  *durableJobs(): Generator<QueueJob> {
    for (const job of this.jobs.values()) if (!this.notDurable.has(job.id)) yield job;
  }

  /** What changed since the last call, each job as it is now (null: dropped); taken by the save about to start. */
  takeChanges(): SavedChanges {
    const changes = new Map<string, QueueJob | null>();
    for (const id of this.unsaved) changes.set(id, this.jobs.get(id) ?? null);
    this.unsaved.clear();
    return changes;
  }

  /** Everything, including a job being written right now (that is what the write must contain). */
  all(): QueueJob[] {
    return [...this.jobs.values()];
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Drops the oldest finished jobs beyond `keep`. */
  trimFinished(keep: number): void {
    const finished = this.durable().filter((job) => isFinishedStage(job.stage));
    for (const job of finished.slice(0, Math.max(0, finished.length - keep))) this.drop(job);
  }

  private linkServerJob(job: QueueJob): void {
    if (job.jobId !== null) this.localIdByJobId.set(job.jobId, job.id);
  }
}
