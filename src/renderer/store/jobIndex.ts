/**
 * The renderer's copy of the queue, kept so that applying a batch of deltas
 * costs O(changed jobs): jobs by id, their ids newest first (a binary search
 * finds a job's place), the running tally, and one id list per filter.
 *
 * An update of a job that is already listed leaves `ids` and the filter lists
 * the same arrays, so the list component does not re-render at all; only the
 * row subscribed to that job does (useJob). Only a job arriving, leaving or
 * moving between filters makes new arrays (a copy of the ids, no comparisons).
 */
import { isBefore, isFinishedStage, type QueueChange, type QueueJob } from '../../shared/queueJob';
import type { BatchCount } from './batchLine';
import { JOB_FILTERS, type JobFilter } from './jobList';
import { countJob, emptyTally, filterOf, publishTally, type JobTally } from './jobTally';

export interface JobIndexOptions {
  /** The order, newest first. Tests pass a counting one. */
  isBefore?: (a: QueueJob, b: QueueJob) => boolean;
}

export class JobIndex {
  private readonly byId = new Map<string, QueueJob>();
  private order: string[] = [];
  /** Whether `order` was handed out since its last copy: the screen holds it, so it must not change in place. */
  private orderPublished = false;
  private readonly running = emptyTally();
  private published: JobTally;
  /** Bumped when a filter's members (or their order) may have changed. */
  private readonly versions = Object.fromEntries(JOB_FILTERS.map((filter) => [filter, 0])) as Record<JobFilter, number>;
  private readonly filtered = new Map<JobFilter, { version: number; ids: readonly string[] }>();
  private readonly before: (a: QueueJob, b: QueueJob) => boolean;
  /** The jobs of each batch (seed 004), for Intake's own count when the server sends none. */
  private readonly batches = new Map<string, Set<string>>();

  constructor(jobs: readonly QueueJob[] = [], options: JobIndexOptions = {}) {
    this.before = options.isBefore ?? isBefore;
    for (const job of jobs) {
      this.byId.set(job.id, job);
      countJob(this.running, job, 1);
      this.joinBatch(job);
    }
    const newerFirst = (a: QueueJob, b: QueueJob) => (a.id === b.id ? 0 : this.before(a, b) ? -1 : 1);
    this.order = [...this.byId.values()].sort(newerFirst).map((job) => job.id);
    this.published = publishTally(this.running, null);
  }

  get(id: string): QueueJob | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.order.length;
  }

  /** All ids, newest first. The same array until a job arrives or leaves. */
  get ids(): readonly string[] {
    this.orderPublished = true;
    return this.order;
  }

  /** The figures over all jobs; parts whose values did not change keep their identity. */
  get tally(): JobTally {
    return this.published;
  }

  /** The ids one filter shows, newest first; the same array while its members stay the same. */
  idsMatching(filter: JobFilter): readonly string[] {
    if (filter === 'all') return this.ids;
    const cached = this.filtered.get(filter);
    if (cached?.version === this.versions[filter]) return cached.ids;
    const ids = this.order.filter((id) => filterOf(this.byId.get(id) as QueueJob) === filter);
    this.filtered.set(filter, { version: this.versions[filter], ids });
    return ids;
  }

  apply(changes: readonly QueueChange[]): void {
    for (const change of changes) {
      if (change.type === 'remove') this.remove(change.id);
      else this.upsert(change.job);
    }
    this.published = publishTally(this.running, this.published);
  }

  private upsert(job: QueueJob): void {
    const old = this.byId.get(job.id);
    if (old === undefined) {
      this.insertInOrder(job);
      this.touch(filterOf(job));
    } else {
      countJob(this.running, old, -1);
      // createdAt never changes today; if it ever did, a job left in place would break the binary search.
      if (old.createdAt !== job.createdAt) {
        this.removeFromOrder(old);
        this.insertInOrder(job);
        this.touch(filterOf(old), filterOf(job));
      } else if (filterOf(old) !== filterOf(job)) this.touch(filterOf(old), filterOf(job));
    }
    this.byId.set(job.id, job);
    countJob(this.running, job, 1);
    this.joinBatch(job);
  }

  /** How many jobs of a batch this window holds, and how many of them have finished: O(jobs of the batch). */
  batchCount(batchId: string): BatchCount {
    const ids = this.batches.get(batchId);
    let done = 0;
    for (const id of ids ?? []) if (isFinishedStage((this.byId.get(id) as QueueJob).stage)) done += 1;
    return { total: ids?.size ?? 0, done };
  }

  private joinBatch(job: QueueJob): void {
    if (job.batchId === undefined) return;
    const members = this.batches.get(job.batchId) ?? new Set<string>();
    this.batches.set(job.batchId, members.add(job.id));
  }

  private remove(id: string): void {
    const old = this.byId.get(id);
    if (old === undefined) return;
    this.removeFromOrder(old);
    this.byId.delete(id);
    countJob(this.running, old, -1);
    if (old.batchId !== undefined) {
      const members = this.batches.get(old.batchId);
      members?.delete(id);
      if (members?.size === 0) this.batches.delete(old.batchId);
    }
    this.touch(filterOf(old));
  }

  /** Marks these filters' lists stale ('all' needs no mark: it is `order` itself). */
  private touch(...filters: (JobFilter | null)[]): void {
    for (const filter of filters) if (filter !== null) this.versions[filter] += 1;
  }

  /** The index of the first listed job that does not come before `job`: O(log n) comparisons. */
  private position(job: QueueJob): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.before(this.byId.get(this.order[middle] as string) as QueueJob, job)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insertInOrder(job: QueueJob): void {
    const at = this.position(job);
    this.writableOrder().splice(at, 0, job.id);
  }

  private removeFromOrder(job: QueueJob): void {
    const at = this.position(job);
    if (this.order[at] === job.id) this.writableOrder().splice(at, 1);
  }

  private writableOrder(): string[] {
    if (this.orderPublished) {
      this.order = [...this.order];
      this.orderPublished = false;
    }
    return this.order;
  }
}
