/**
 * The jobs the engine follows and what it knows of each. `wanted` is the
 * source of truth for subscriptions: every wanted job is subscribed on every
 * new socket. A job that ends stops being wanted but its state stays readable
 * (and a newer update still arriving on the current socket is applied).
 */
import {
  applyStatusUpdate,
  initialServerJob,
  isFinal,
  type ApplyOutcome,
  type ServerJobState,
  type StatusUpdate,
} from '../../shared/jobState';

export interface JobRecord {
  chartNumber: string;
  state: ServerJobState;
  wanted: boolean;
}

/** What an applied update did to the wanted set. */
/**
 * Where an update came from. A `stream` update skipping seq numbers means
 * frames were missed; a `state` read (an ack's snapshot, a REST answer) is the
 * whole state, so skipping seq numbers there is normal and nothing is missing.
 */
export type UpdateSource = 'stream' | 'state';

export type WantedChange = 'completed' | 'closed' | 'reopened' | null;

export interface Application {
  outcome: ApplyOutcome;
  gap: boolean;
  job: ServerJobState;
  change: WantedChange;
}

/** Ended jobs kept for job(); beyond this the oldest are forgotten so a long-running app does not grow. */
const ENDED_JOBS_KEPT = 2_000;
/** Jobs let go (removed, or evicted once ended) remembered, so their late updates are not taken for the backend's mistakes. */
const LET_GO_KEPT = 2_000;

export class TrackedJobs {
  private readonly records = new Map<string, JobRecord>();
  private endedCount = 0;
  /** Insertion-ordered: the oldest is dropped first. */
  private readonly letGoIds = new Set<string>();

  /** Returns true when the job became wanted by this call. */
  track(jobId: string, chartNumber: string, known?: ServerJobState): boolean {
    const existing = this.records.get(jobId);
    if (existing) {
      // Followed already, or ended: a job that is not wanted is always final (only apply() reopens one).
      existing.chartNumber = chartNumber;
      return false;
    }
    this.letGoIds.delete(jobId);
    const state = known ? { ...known, jobId } : initialServerJob(jobId);
    const wanted = !isFinal(state);
    this.records.set(jobId, { chartNumber, state, wanted });
    if (!wanted) this.noteEnded();
    return wanted;
  }

  untrack(jobId: string): JobRecord | undefined {
    const record = this.records.get(jobId);
    if (!record) return undefined;
    this.records.delete(jobId);
    this.noteLetGo(jobId);
    if (!record.wanted) this.endedCount -= 1;
    return record;
  }

  /** True for a job followed here until recently (removed, or evicted once ended): an update for it may still be in flight. */
  letGo(jobId: string): boolean {
    return this.letGoIds.has(jobId);
  }

  get(jobId: string): JobRecord | undefined {
    return this.records.get(jobId);
  }

  *wantedIds(): IterableIterator<string> {
    for (const [jobId, record] of this.records) if (record.wanted) yield jobId;
  }

  get wantedCount(): number {
    return this.records.size - this.endedCount;
  }

  openCharts(): Set<string> {
    const charts = new Set<string>();
    for (const record of this.records.values()) if (record.wanted) charts.add(record.chartNumber);
    return charts;
  }

  ofChart(chartNumber: string): Array<[string, JobRecord]> {
    return [...this.records].filter(([, record]) => record.chartNumber === chartNumber);
  }

  apply(record: JobRecord, update: StatusUpdate): Application {
    const result = applyStatusUpdate(record.state, update);
    let change: WantedChange = null;
    if (result.outcome === 'applied') {
      record.state = result.job;
      const final = isFinal(result.job);
      if (final && record.wanted) {
        record.wanted = false;
        this.noteEnded();
        change = result.job.status === 'completed' ? 'completed' : 'closed';
      } else if (!final && !record.wanted) {
        // A newer update after a final `failed`: the server retried after all.
        record.wanted = true;
        this.endedCount -= 1;
        change = 'reopened';
      }
    }
    return { outcome: result.outcome, gap: result.gap, job: record.state, change };
  }

  private noteEnded(): void {
    this.endedCount += 1;
    if (this.endedCount <= ENDED_JOBS_KEPT) return;
    for (const [jobId, record] of this.records) {
      if (record.wanted) continue;
      this.records.delete(jobId);
      this.noteLetGo(jobId);
      this.endedCount -= 1;
      if (this.endedCount <= ENDED_JOBS_KEPT) return;
    }
  }

  private noteLetGo(jobId: string): void {
    this.letGoIds.add(jobId);
    if (this.letGoIds.size <= LET_GO_KEPT) return;
    const oldest = this.letGoIds.values().next().value;
    if (oldest !== undefined) this.letGoIds.delete(oldest);
  }
}
