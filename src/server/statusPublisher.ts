/**
 * Persist, then publish. Every job change is on disk (JobStore) before any
 * client hears of it; otherwise a server killed between the two could come
 * back with a lower `seq` than a client already applied, and the client would
 * drop the restarted job's next updates as stale.
 *
 * What clients may see (WebSocket snapshots and the status endpoint) is the
 * *published* view of each job, never a change still waiting to be saved: a
 * snapshot ahead of the stream would make the queued frame a duplicate, and a
 * REST answer ahead of the file could be un-said by a crash.
 *
 * Saving appends the tick's changes to the journal at a cost in proportion
 * to them, so frames leave on the next turn of the event loop, unpaced:
 * whatever piled up while a save was slow simply shares the next write. (When
 * each save rewrote all of jobs.json, saves had to be paced, and frames left
 * in bursts.) Compaction runs after the batch's frames are out, so its full
 * rewrite of jobs.json never delays them.
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

export class StatusPublisher {
  private pending: Array<{ frame: StatusUpdateFrame; view: JobView }> = [];
  private waiters: Array<() => void> = [];
  private readonly published = new Map<string, JobView>();
  private timer: NodeJS.Immediate | null = null;
  private closed = false;
  /** A full disk fails every save: said once, and once more when saving works again, not on every tick. */
  private saveFailing = false;

  constructor(
    private readonly store: JobStore,
    private readonly sink: FrameSink,
    private readonly log: (line: string) => void,
  ) {}

  /** Makes a job's current state visible as it is: a job just created (and saved), or loaded from disk. */
  remember(job: JobRecord): void {
    this.published.set(job.jobId, viewOf(job));
  }

  /** A job deleted (retention): unknown to clients from now on. */
  forget(jobId: string): void {
    this.published.delete(jobId);
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
    try {
      this.store.save();
      if (this.saveFailing) this.log('job store: saving works again');
      this.saveFailing = false;
    } catch (error) {
      // Publishing unsaved state is the smaller harm than freezing every job.
      if (!this.saveFailing) this.log(`job store: save failed (${errorCode(error)}); publishing anyway, retrying on every change`);
      this.saveFailing = true;
    }
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
    this.timer ??= setImmediate(() => this.flush());
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    clearImmediate(this.timer);
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
