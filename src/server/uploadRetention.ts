/**
 * Demo uploads are real documents (patient charts) kept on a desktop: a
 * finished job is deleted with its documents once it is older than the
 * retention period. Checked at start and every hour; the clock is injected so
 * a test can move it days ahead.
 */
import { type JobRecord, isJobFinished } from './jobRecord';

export const DEFAULT_RETENTION_DAYS = 7;
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionDeps {
  retentionDays: number;
  now: () => number;
  jobs: () => JobRecord[];
  /** Deletes these jobs (records, keys, documents) and forgets what clients were shown of them. */
  forget: (jobIds: string[]) => void;
  log: (line: string) => void;
}

export class UploadRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RetentionDeps) {}

  start(): void {
    this.expire();
    this.timer = setInterval(() => this.expire(), RETENTION_SWEEP_MS);
    // The sweep alone must not keep a process alive.
    this.timer.unref();
  }

  /** Deletes every finished job past retention; returns how many. A job still being processed is left alone. */
  expire(): number {
    const { retentionDays, now, jobs, forget, log } = this.deps;
    const cutoff = now() - retentionDays * DAY_MS;
    const expired = jobs()
      .filter((job) => isJobFinished(job) && Date.parse(job.createdAt) <= cutoff)
      .map((job) => job.jobId);
    if (expired.length === 0) return 0;
    try {
      forget(expired);
    } catch (error) {
      log(`retention: deleting expired uploads failed (${(error as NodeJS.ErrnoException).code ?? 'error'}); trying again later`);
      return 0;
    }
    log(`retention: ${expired.length} finished jobs older than ${retentionDays} days deleted with their documents`);
    return expired.length;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
