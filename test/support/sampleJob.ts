// A QueueJob to feed the output renderers, with only the fields a test cares about changed.
import type { QueueJob } from '../../src/shared/queueJob';
import { initialServerJob } from '../../src/shared/jobState';

export function sampleJob(overrides: Partial<QueueJob> = {}): QueueJob {
  return {
    id: 'local-1',
    chartNumber: 'A-100',
    files: [{ path: '/tmp/x/scan.pdf', name: 'scan.pdf', size: 2048, type: 'pdf' }],
    stage: 'queued',
    idempotencyKey: 'key-1',
    jobId: null,
    createdAt: 0,
    updatedAt: 0,
    upload: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    server: null,
    error: null,
    ...overrides,
  };
}

export function trackedJob(phase: string, seq: number, extra: Partial<ReturnType<typeof initialServerJob>> = {}): QueueJob {
  return sampleJob({
    stage: phase === 'completed' ? 'completed' : 'tracking',
    jobId: 'srv-1',
    server: { ...initialServerJob('srv-1'), status: phase === 'completed' ? 'completed' : 'processing', phase, seq, message: `now ${phase}`, ...extra },
  });
}
