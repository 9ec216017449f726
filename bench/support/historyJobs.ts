/**
 * Finished jobs as a long history holds them: a tracked job's whole server
 * state, file identity and hash included, so sizes on disk and on the page
 * are those of real jobs.
 */
import type { QueueJob } from '../../src/shared/queueJob';

/** A finished job as the history holds it (a tracked job's whole server state included). */
export function historyJob(i: number): QueueJob {
  const at = new Date(1_700_000_000_000 + i * 1000).toISOString();
  return Object.freeze({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    chartNumber: `HIST-${i}`,
    files: [{ path: `/home/user/scans/document-${i}.pdf`, name: `document-${i}.pdf`, size: 123_456, type: 'pdf', identity: { dev: 2049, ino: 1_000_000 + i }, sha256: 'ab'.repeat(32) }],
    stage: 'completed',
    idempotencyKey: `11111111-2222-4333-8444-${String(i).padStart(12, '0')}`,
    jobId: `job_${String(i).padStart(8, '0')}`,
    createdAt: 1_700_000_000_000 + i * 1000,
    updatedAt: 1_700_000_000_000 + i * 1000 + 500,
    upload: null,
    uploadAttempts: 1,
    nextUploadAt: null,
    server: { jobId: `job_${i}`, status: 'completed', phase: 'completed', message: 'Processing complete', timestamp: at, seq: 7, attempt: 1, maxAttempts: 3, willRetry: false, phaseSeenAt: { processing: at, ocr_started: at, ocr_completed: at, ai_started: at, ai_completed: at, saving_results: at, completed: at } },
    acceptedBy: 'http://127.0.0.1:8080/api',
    error: null,
  });
}

