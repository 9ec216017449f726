/**
 * What a saved queue document means when it is read back, whatever wrote it
 * (an older Intake, a hand edit, a damaged disk): each unreadable job is left
 * out on its own with a warning, a document that is unusable as a whole gives
 * an empty queue and says why, and nothing half-valid gets into the queue.
 */
import { describe, expect, it } from 'vitest';
import { parsePersistedQueue } from '../../../src/core/persistence/persistedQueue';
import { initialServerJob } from '../../../src/shared/jobState';
import { sampleJob, trackedJob } from '../../support/sampleJob';

const good = sampleJob({ id: 'local-good' });
const tracked = sampleJob({ id: 'local-tracked', stage: 'tracking', jobId: 'srv-1', server: initialServerJob('srv-1') });

describe('parsePersistedQueue: whole documents', () => {
  it.each([
    ['null', null, 'Saved queue is not a JSON object; starting with an empty queue.'],
    ['a list', [good], 'Saved queue is not a JSON object; starting with an empty queue.'],
    ['a string', 'queue', 'Saved queue is not a JSON object; starting with an empty queue.'],
    ['no version', { jobs: [good] }, 'Saved queue has no valid version; starting with an empty queue.'],
    ['a text version', { version: '1', jobs: [good] }, 'Saved queue has no valid version; starting with an empty queue.'],
    ['a fractional version', { version: 0.5, jobs: [good] }, 'Saved queue has no valid version; starting with an empty queue.'],
    ['a negative version', { version: -1, jobs: [good] }, 'Saved queue has no valid version; starting with an empty queue.'],
    ['a newer version', { version: 2, jobs: [good] }, 'Saved queue was written by a newer Intake (format 2); starting with an empty queue.'],
    ['an older version with no migration', { version: 0, jobs: [good] }, 'No migration from saved-queue format 0.'],
  ])('%s: an empty queue, marked damaged, with the reason', (_what, raw, warning) => {
    expect(parsePersistedQueue(raw)).toEqual({ queue: null, warnings: [warning], damaged: true });
  });

  it('a document without a job list keeps its pause flag, warns, and is marked damaged', () => {
    expect(parsePersistedQueue({ version: 1, paused: true })).toEqual({
      queue: { version: 1, jobs: [], paused: true },
      warnings: ['Saved queue has no job list; starting with an empty queue.'],
      damaged: true,
    });
  });

  it.each([
    [true, true],
    [false, false],
    ['true', false],
    [1, false],
    [undefined, false],
  ])('paused %j is read as %s: only a real true pauses', (paused, expected) => {
    const parsed = parsePersistedQueue({ version: 1, jobs: [good], paused });
    expect(parsed.queue?.paused).toBe(expected);
    expect(parsed.damaged).toBe(false);
    expect(parsed.warnings).toEqual([]);
  });
});

describe('parsePersistedQueue: one job at a time', () => {
  it('reads good jobs back exactly, including a tracked one with its server state', () => {
    expect(parsePersistedQueue({ version: 1, jobs: [good, tracked], paused: false })).toEqual({
      queue: { version: 1, jobs: [good, tracked], paused: false },
      warnings: [],
      damaged: false,
    });
  });

  const file = good.files[0]!;
  it.each([
    ['an empty id', { id: '' }],
    ['no files', { files: [] }],
    ['a file with a negative size', { files: [{ ...file, size: -1 }] }],
    ['a file with a fractional size', { files: [{ ...file, size: 1.5 }] }],
    ['a file without a name', { files: [{ path: file.path, size: 1, type: 'pdf' }] }],
    ['an unknown stage', { stage: 'teleporting' }],
    ['an empty idempotency key', { idempotencyKey: '' }],
    ['a numeric job id', { jobId: 7 }],
    ['negative upload attempts', { uploadAttempts: -1 }],
    ['fractional upload attempts', { uploadAttempts: 0.5 }],
    ['a progress without total', { upload: { sentBytes: 1, bytesPerSecond: 1, etaSeconds: null } }],
    ['a server state without willRetry', { server: { ...initialServerJob('srv-1'), willRetry: undefined } }],
    ['a server state with text seq', { server: { ...initialServerJob('srv-1'), seq: '3' } }],
    ['an error without message', { error: { code: 'network' } }],
    ['no createdAt', { createdAt: undefined }],
  ])('a job with %s is left out, the others kept, with a count and no names', (_what, change) => {
    const broken = { ...sampleJob({ id: 'local-broken' }), ...change };
    const parsed = parsePersistedQueue({ version: 1, jobs: [good, broken, tracked], paused: false });
    expect(parsed.queue?.jobs.map((j) => j.id)).toEqual(['local-good', 'local-tracked']);
    expect(parsed.warnings).toEqual(['1 saved job(s) could not be read and were left out.']);
    expect(parsed.damaged).toBe(true);
  });

  it('accepts what a saved job may legitimately hold: nulls where nothing is known yet, progress, an error', () => {
    const busy = sampleJob({
      id: 'local-busy',
      stage: 'uploading',
      upload: { sentBytes: 10, totalBytes: 20, bytesPerSecond: 5, etaSeconds: null },
      nextUploadAt: 123,
      error: { code: 'network', message: 'reset' },
      uploadAttempts: 2,
    });
    expect(parsePersistedQueue({ version: 1, jobs: [busy], paused: false }).queue?.jobs).toEqual([busy]);
  });
});

describe('parsePersistedQueue: where the current attempt is', () => {
  it('keeps attemptPhase across a restart (the stepper marks a failure where this attempt stopped)', () => {
    const job = trackedJob('ocr_started', 5, { attemptPhase: 'ocr_started' });
    const parsed = parsePersistedQueue(JSON.parse(JSON.stringify({ version: 1, jobs: [job], paused: false })));
    expect(parsed.queue?.jobs[0]?.server?.attemptPhase).toBe('ocr_started');
  });

  it('a queue saved before the field existed, or with an unreadable one, loads without it and undamaged', () => {
    const job = trackedJob('ai_done', 9);
    const old = parsePersistedQueue(JSON.parse(JSON.stringify({ version: 1, jobs: [job], paused: false })));
    expect(old.queue?.jobs[0]?.server).not.toHaveProperty('attemptPhase');
    const odd = parsePersistedQueue({ version: 1, jobs: [{ ...job, server: { ...job.server, attemptPhase: 42 } }], paused: false });
    expect(odd.queue?.jobs).toHaveLength(1);
    expect(odd.damaged).toBe(false);
  });
});
