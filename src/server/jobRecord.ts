/**
 * What the server keeps per job, persisted as is in jobs.json (and, change by
 * change, in jobs.journal: see JobStore). The zod schema reads the files back
 * after a restart; a file that does not match is moved aside, never silently
 * dropped.
 */
import { z } from 'zod';

export const storedDocumentSchema = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  /** Detected from magic bytes, not from the client's content type. */
  type: z.string(),
  sha256: z.string(),
  /** `/Type /Page` objects counted in the bytes; null for non-PDFs. */
  pages: z.number().int().nonnegative().nullable(),
  /** File name inside the job's upload folder (never the client's name: that can be anything). */
  storedAs: z.string(),
});
export type StoredDocument = z.infer<typeof storedDocumentSchema>;

export const phaseTimeSchema = z.object({
  phase: z.string(),
  attempt: z.number().int().positive(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type PhaseTime = z.infer<typeof phaseTimeSchema>;

export const jobRecordSchema = z.object({
  jobId: z.string(),
  chartNumber: z.string(),
  jobIndex: z.number().int().nonnegative(),
  createdAt: z.string(),
  status: z.string(),
  phase: z.string(),
  message: z.string(),
  timestamp: z.string(),
  seq: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  willRetry: z.boolean(),
  /** The phase at which the current attempt will fail, or null when it succeeds. */
  failAtPhase: z.string().nullable(),
  documents: z.array(storedDocumentSchema),
  /** The latest MAX_PHASE_TIMES (jobChange.ts) timings, oldest first. */
  phaseTimes: z.array(phaseTimeSchema),
  /** The exact 201 body, so an idempotent repeat answers byte-for-byte the same. */
  uploadResponse: z.record(z.string(), z.unknown()),
  /** The client's batch (dialect socketio-events: one drop or jobs file of several charts). */
  batchId: z.string().optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const storeFileSchema = z.object({
  version: z.literal(1),
  nextJobIndex: z.number().int().nonnegative(),
  jobs: z.array(jobRecordSchema),
  idempotencyKeys: z.record(z.string(), z.string()),
});
export type StoreFile = z.infer<typeof storeFileSchema>;

/** Completed, cancelled (PROTOCOL.md §4), blocked (seed 004), or failed with no retry left: the pipeline has nothing more to do. */
export function isJobFinished(job: Pick<JobRecord, 'status' | 'willRetry'>): boolean {
  return job.status === 'completed' || job.status === 'cancelled' || job.status === 'blocked' || (job.status === 'failed' && !job.willRetry);
}

/** A freshly accepted job: queued, seq 0, no attempt started; `uploadResponse` is the 201 body. */
export function newJobRecord(fields: {
  jobId: string;
  chartNumber: string;
  jobIndex: number;
  maxAttempts: number;
  documents: StoredDocument[];
}): JobRecord {
  const { jobId, chartNumber, documents } = fields;
  const now = new Date().toISOString();
  return {
    ...fields,
    createdAt: now,
    status: 'queued',
    phase: 'queued',
    message: 'Waiting to be processed.',
    timestamp: now,
    seq: 0,
    attempt: 0,
    willRetry: false,
    failAtPhase: null,
    phaseTimes: [],
    uploadResponse: { jobId, chartNumber, documents: documents.map(({ name, size }) => ({ name, size })), status: 'queued' },
  };
}
