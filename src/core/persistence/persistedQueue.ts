/**
 * Reading a saved queue back: version check, migrations, and a schema check
 * per job. Shared by every store (the file store here, electron-store in main),
 * so the same JSON means the same thing everywhere.
 */
import { z } from 'zod';
import { STAGES, type QueueJob } from '../../shared/queueJob';
import type { PersistedQueue } from '../queue/types';

export const PERSISTED_QUEUE_VERSION = 1;

/**
 * Migration hook: `migrations[n]` turns a version-n document into version n+1.
 * Empty while there is only version 1; a future v2 adds `1: (v1) => v2`.
 */
export const migrations: Record<number, (document: Record<string, unknown>) => Record<string, unknown>> = {};

const serverJobSchema = z.object({
  jobId: z.string(),
  status: z.string(),
  phase: z.string(),
  message: z.string(),
  timestamp: z.string().nullable(),
  seq: z.number().nullable(),
  attempt: z.number().nullable(),
  maxAttempts: z.number().nullable(),
  willRetry: z.boolean(),
  phaseSeenAt: z.record(z.string(), z.string()),
  // Where the current attempt is (the stepper marks a failure there); absent in queues saved before it existed.
  attemptPhase: z.string().optional().catch(undefined),
  // Socket.IO dialects only (PROTOCOL.md "Backend dialects").
  progress: z.number().optional().catch(undefined),
  statusWord: z.string().optional().catch(undefined),
});

export const queueJobSchema = z.object({
  id: z.string().min(1),
  chartNumber: z.string(),
  files: z
    .array(
      z.object({
        path: z.string(),
        name: z.string(),
        size: z.number().int().nonnegative(),
        type: z.string(),
        identity: z.object({ dev: z.number(), ino: z.number() }).optional(),
        sha256: z.string().optional().catch(undefined),
      }),
    )
    .min(1),
  stage: z.enum(STAGES),
  idempotencyKey: z.string().min(1),
  jobId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  upload: z
    .object({ sentBytes: z.number(), totalBytes: z.number(), bytesPerSecond: z.number(), etaSeconds: z.number().nullable() })
    .nullable(),
  uploadAttempts: z.number().int().nonnegative(),
  nextUploadAt: z.number().nullable(),
  server: serverJobSchema.nullable(),
  // Unreadable: the job is kept and counts as the server's in use (as one saved before the field existed).
  acceptedBy: z.string().optional().catch(undefined),
  // Absent in queues saved before cancelling at the server existed.
  cancelRequested: z.boolean().optional().catch(undefined),
  batchId: z.string().optional().catch(undefined),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export interface ParsedQueue {
  /** null when the document as a whole is unusable. */
  queue: PersistedQueue | null;
  /** For the operator and the user; never names, paths or chart numbers. */
  warnings: string[];
  /** True when something was dropped or unreadable: the caller keeps a copy of the original. */
  damaged: boolean;
}

export function parsePersistedQueue(raw: unknown): ParsedQueue {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { queue: null, warnings: ['Saved queue is not a JSON object; starting with an empty queue.'], damaged: true };
  }
  let document = raw as Record<string, unknown>;
  let version = document.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return { queue: null, warnings: ['Saved queue has no valid version; starting with an empty queue.'], damaged: true };
  }
  if (version > PERSISTED_QUEUE_VERSION) {
    return {
      queue: null,
      warnings: [`Saved queue was written by a newer Intake (format ${version}); starting with an empty queue.`],
      damaged: true,
    };
  }
  while (version < PERSISTED_QUEUE_VERSION) {
    const migrate = migrations[version];
    if (migrate === undefined) {
      return { queue: null, warnings: [`No migration from saved-queue format ${version}.`], damaged: true };
    }
    document = migrate(document);
    version += 1;
  }

  const warnings: string[] = [];
  const rawJobs = Array.isArray(document.jobs) ? document.jobs : [];
  if (!Array.isArray(document.jobs)) warnings.push('Saved queue has no job list; starting with an empty queue.');
  const jobs: QueueJob[] = [];
  for (const rawJob of rawJobs) {
    const parsed = queueJobSchema.safeParse(rawJob);
    if (parsed.success) jobs.push(parsed.data);
  }
  const dropped = rawJobs.length - jobs.length;
  if (dropped > 0) warnings.push(`${dropped} saved job(s) could not be read and were left out.`);
  return {
    queue: { version: PERSISTED_QUEUE_VERSION, jobs, paused: document.paused === true },
    warnings,
    damaged: warnings.length > 0,
  };
}
