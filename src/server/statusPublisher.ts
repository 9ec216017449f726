/**
 * Persist, then publish. Every job change is written to jobs.json before any
 * client hears of it; otherwise a server killed between the two could come
 * back with a lower `seq` than a client already applied, and the client would
 * drop the restarted job's next updates as stale.
 *
 * What clients may see (WebSocket snapshots and the status endpoint) is the
 * *published* view of each job, never a change still waiting to be saved: a
 * snapshot ahead of the stream would make the queued frame a duplicate, and a
 * REST answer ahead of the file could be un-said by a crash.
 *
 * Saving appends one tick's changes to the journal (JobStore), so it is cheap
 * and frames leave on the next turn of the event loop. Should a save ever be
 * slow (a stalled disk), publishing is paced: changes collect while its cost
 * is paid back (at most ~20% of the time goes to saving), then one write
 * carries them all. Compaction runs after the batch's frames are out, so its
 * full rewrite of jobs.json never delays them.
 */
import { type JobRecord } from './jobRecord';
import { type JobStore } from './jobStore';

export interface StatusUpdateFrame {
  type: 'status_update';
  jobId: string;
  status: string;
  phase: string;
  message: string;
  timestamp: string;
  seq: number;
  attempt?: number;
  maxAttempts?: number;
  willRetry?: boolean;
}

/** The client-visible state of a job. */
export type JobView = Pick<
  JobRecord,
  'jobId' | 'status' | 'phase' | 'message' | 'timestamp' | 'seq' | 'attempt' | 'maxAttempts' | 'willRetry'
>;

export type FrameSink = (frame: StatusUpdateFrame) => void;

/** Saving may use this share of the time, at most. */
const SAVE_SHARE = 0.2;

export class StatusPublisher {
  private pending: Array<{ frame: StatusUpdateFrame; view: JobView }> = [];
  private waiters: Array<() => void> = [];
  private readonly published = new Map<string, JobView>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private lastSaveEndedAt = 0;
  private lastSaveMs = 0;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly sink: FrameSink,
    private readonly log: (line: string) => void,
  ) {}

  /** Makes a job's current state visible as it is: a job just created (and saved), or loaded from disk. */
  remember(job: JobRecord): void {
    this.published.set(job.jobId, viewOf(job));
  }

  /** The state clients may see, or undefined for an unknown job. */
  visible(jobId: string): JobView | undefined {
    return this.published.get(jobId);
  }

  /** Queues the job's current state as one status_update. */
  publish(job: JobRecord): void {
    if (this.closed) return;
    this.store.changed(job.jobId);
    this.pending.push({ frame: statusFrameOf(job), view: viewOf(job) });
    this.scheduleFlush();
  }

  /** Resolves once everything changed so far is on disk (shares the next write). */
  persisted(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (this.closed) this.flush();
      else this.scheduleFlush();
    });
  }

  flush(): void {
    this.cancelTimer();
    if (this.pending.length === 0 && this.waiters.length === 0) return;
    const batch = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    const started = performance.now();
    try {
      this.store.save();
    } catch (error) {
      // Publishing unsaved state is the smaller harm than freezing every job.
      this.log(`job store: save failed (${errorCode(error)})`);
    }
    this.lastSaveEndedAt = performance.now();
    this.lastSaveMs = this.lastSaveEndedAt - started;
    for (const { frame, view } of batch) {
      this.published.set(view.jobId, view);
      this.sink(frame);
    }
    for (const resolve of waiters) resolve();
    if (this.store.compactionDue) this.compact();
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private compact(): void {
    try {
      this.store.compact();
    } catch (error) {
      // The journal still holds every change; the next flush tries again.
      this.log(`job store: compaction failed (${errorCode(error)})`);
    }
  }

  private scheduleFlush(): void {
    if (this.timer !== null) return;
    const wait = this.lastSaveEndedAt + this.lastSaveMs / SAVE_SHARE - this.lastSaveMs - performance.now();
    this.timer = wait > 1 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = null;
  }
}

/** The error's code (ENOSPC...), never its message: fs messages carry file paths. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

function viewOf(job: JobRecord): JobView {
  const { jobId, status, phase, message, timestamp, seq, attempt, maxAttempts, willRetry } = job;
  return { jobId, status, phase, message, timestamp, seq, attempt, maxAttempts, willRetry };
}

export function statusFrameOf(job: JobView): StatusUpdateFrame {
  return {
    type: 'status_update',
    jobId: job.jobId,
    status: job.status,
    phase: job.phase,
    message: job.message,
    timestamp: job.timestamp,
    seq: job.seq,
    ...(job.status === 'failed' && { attempt: job.attempt, maxAttempts: job.maxAttempts, willRetry: job.willRetry }),
  };
}
