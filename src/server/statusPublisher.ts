/**
 * Persist, then publish. Every job change is written to jobs.json before any
 * client hears of it; otherwise a server killed between the two could come
 * back with a lower `seq` than a client already applied, and the client would
 * drop the restarted job's next updates as stale.
 *
 * Changes made in the same turn of the event loop share one write, so a
 * burst of phase changes across many jobs costs one file write, not hundreds.
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

export type FrameSink = (frame: StatusUpdateFrame) => void;

export class StatusPublisher {
  private pending: StatusUpdateFrame[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly sink: FrameSink,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues the job's current state as one status_update. */
  publish(job: JobRecord): void {
    if (this.closed) return;
    this.pending.push(statusFrameOf(job));
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.pending.length === 0) return;
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const frames = this.pending;
    this.pending = [];
    try {
      this.store.save();
    } catch (error) {
      // Publishing unsaved state is the smaller harm than freezing every job.
      this.log(`job store: save failed (${error instanceof Error ? error.message : 'unknown error'})`);
    }
    for (const frame of frames) this.sink(frame);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

export function statusFrameOf(job: JobRecord): StatusUpdateFrame {
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
