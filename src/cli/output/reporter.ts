/**
 * What a CLI run tells its user, independent of how it is shown. The commands
 * call these; humanOutput and jsonOutput render them.
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { QueueJob } from '../../shared/queueJob';
import type { BatchProgress } from '../../core/connection/transport';

export type Outcome = 'completed' | 'failed' | 'cancelled' | 'rejected' | 'blocked';

export interface JobResult {
  /** The queue's local id; null when the queue never accepted the job (validation). */
  id: string | null;
  /** Empty when none could be found (a hot-folder file with no chart). */
  chartNumber: string;
  jobId: string | null;
  outcome: Outcome;
  message: string;
  /** One line per problem when the job was refused before upload (each file's reason). */
  reasons: string[];
}

export interface Reporter {
  queued(job: QueueJob): void;
  progress(job: QueueJob): void;
  /** An upload try failed and the next one is scheduled (job.error, job.nextUploadAt). */
  retrying(job: QueueJob): void;
  uploaded(job: QueueJob): void;
  phase(job: QueueJob): void;
  connection(state: ConnectionState): void;
  /** The server's own progress of a batch (seed 004's `batch:update`); without it the per-job lines are the count. */
  batch(batch: BatchProgress): void;
  done(result: JobResult): void;
  /** A note for the user about the run itself ("watching …", "nothing to resume"). */
  info(message: string): void;
  /** Goes to stderr. */
  warning(message: string): void;
  /** Final words (a summary line for humans); stops any live display. */
  close(results: readonly JobResult[]): void;
}

export interface TextSink {
  write(text: string): unknown;
}
