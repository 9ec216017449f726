/** Jobs in every stage, as the queue would publish them. */
import type { ServerJobState } from '../../src/shared/jobState';
import type { QueueJob } from '../../src/shared/queueJob';

export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export function job(patch: Partial<QueueJob> = {}): QueueJob {
  return {
    id: 'job-1',
    chartNumber: 'CH-100',
    files: [
      { path: '/docs/a.pdf', name: 'a.pdf', size: 60_000_000, type: 'pdf' },
      { path: '/docs/b.pdf', name: 'b.pdf', size: 41_000_000, type: 'pdf' },
    ],
    stage: 'queued',
    idempotencyKey: 'key-1',
    jobId: null,
    createdAt: T0,
    updatedAt: T0,
    upload: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    server: null,
    error: null,
    ...patch,
  };
}

export function server(patch: Partial<ServerJobState> = {}): ServerJobState {
  return {
    jobId: 'srv-1',
    status: 'processing',
    phase: 'ocr_completed',
    message: 'OCR finished',
    timestamp: at(30),
    seq: 3,
    attempt: 1,
    maxAttempts: 3,
    willRetry: false,
    phaseSeenAt: { processing: at(0), ocr_started: at(4), ocr_completed: at(16) },
    ...patch,
  };
}

export const ALL_PHASES_SEEN = {
  processing: at(0),
  ocr_started: at(2),
  ocr_completed: at(5),
  ai_started: at(6),
  ai_completed: at(66),
  saving_results: at(67),
  completed: at(68),
};
