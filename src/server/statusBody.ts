/**
 * The body of `GET /documents/status/:chartNumber` (PROTOCOL.md §2).
 *
 * `results` choice: an object keyed by jobId holding one entry per
 * *completed* job of the chart (several uploads for one chart are common),
 * or null while none has completed. Every value in it was computed by the
 * server from the stored bytes: size, detected type, sha256, PDF page count,
 * and the start/end time of every phase of every attempt.
 */
import { type JobRecord } from './jobRecord';
import { type JobView } from './statusPublisher';

export interface StatusJobEntry {
  jobId: string;
  status: string;
  phase: string;
  message: string;
  timestamp: string;
  seq: number;
  attempt: number;
  maxAttempts: number;
  willRetry: boolean;
}

export interface JobResults {
  jobId: string;
  completedAt: string;
  attempts: number;
  documents: Array<{ name: string; size: number; type: string; sha256: string; pages: number | null }>;
  phases: Array<{ phase: string; attempt: number; startedAt: string; endedAt: string | null }>;
}

export interface StatusBody {
  chartNumber: string;
  jobs: StatusJobEntry[];
  results: Record<string, JobResults> | null;
}

/** `visible` gives the published state of each job: the body never runs ahead of what was saved. */
export function statusBodyOf(
  chartNumber: string,
  jobs: readonly JobRecord[],
  visible: (jobId: string) => JobView | undefined,
): StatusBody {
  // A job not yet visible is still being saved; its uploader has not even had its 201.
  const views = jobs.flatMap((job) => {
    const view = visible(job.jobId);
    return view === undefined ? [] : [{ job, view }];
  });
  const completed = views.filter(({ view }) => view.status === 'completed');
  return {
    chartNumber,
    jobs: views.map(({ view }) => statusEntryOf(view)),
    results: completed.length === 0 ? null : Object.fromEntries(completed.map(({ job }) => [job.jobId, resultsOf(job)])),
  };
}

export function statusEntryOf(job: JobView): StatusJobEntry {
  return {
    jobId: job.jobId,
    status: job.status,
    phase: job.phase,
    message: job.message,
    timestamp: job.timestamp,
    seq: job.seq,
    // A queued job has not started attempt 1 yet, but the protocol's attempt is 1-based (0 would not parse).
    attempt: Math.max(job.attempt, 1),
    maxAttempts: job.maxAttempts,
    willRetry: job.willRetry,
  };
}

function resultsOf(job: JobRecord): JobResults {
  return {
    jobId: job.jobId,
    completedAt: job.timestamp,
    attempts: job.attempt,
    documents: job.documents.map(({ name, size, type, sha256, pages }) => ({ name, size, type, sha256, pages })),
    phases: job.phaseTimes.map((time) => ({ ...time })),
  };
}
