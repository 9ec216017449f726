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

export function statusBodyOf(chartNumber: string, jobs: readonly JobRecord[]): StatusBody {
  const completed = jobs.filter((job) => job.status === 'completed');
  return {
    chartNumber,
    jobs: jobs.map(statusEntryOf),
    results: completed.length === 0 ? null : Object.fromEntries(completed.map((job) => [job.jobId, resultsOf(job)])),
  };
}

export function statusEntryOf(job: JobRecord): StatusJobEntry {
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
