import { describe, expect, it } from 'vitest';
import { canCancel, canPreview, canRemove, canRetry, canReveal, hasResults, isCancelling, refileKind, undoKind } from '../../src/shared/jobRules';
import { STAGES, type Stage } from '../../src/shared/queueJob';

// The one table the renderer's buttons, main's refusals and the queue's checks all follow.
const EXPECTED: Record<Stage, { retry: boolean; cancel: boolean; results: boolean; reveal: boolean; remove: boolean }> = {
  queued: { retry: false, cancel: true, results: false, reveal: false, remove: false },
  uploading: { retry: false, cancel: true, results: false, reveal: false, remove: false },
  tracking: { retry: false, cancel: true, results: false, reveal: true, remove: false },
  completed: { retry: false, cancel: false, results: true, reveal: true, remove: true },
  failed: { retry: true, cancel: false, results: false, reveal: true, remove: true },
  rejected: { retry: true, cancel: false, results: false, reveal: true, remove: true },
  cancelled: { retry: true, cancel: false, results: false, reveal: false, remove: true },
  blocked: { retry: true, cancel: false, results: false, reveal: true, remove: true },
};

describe('job rules', () => {
  it('"Show files" is offered for a job with files, and not for one without', () => {
    const file = { path: '/scans/a.pdf', name: 'a.pdf', size: 1, type: 'pdf' as const };
    expect(canPreview({ files: [file] })).toBe(true);
    expect(canPreview({ files: [file, { ...file, name: 'b.pdf' }] })).toBe(true);
    expect(canPreview({ files: [] })).toBe(false);
  });

  it.each(STAGES)('%s', (stage) => {
    const job = { stage };
    expect({ retry: canRetry(job), cancel: canCancel(job), results: hasResults(job), reveal: canReveal(job), remove: canRemove(job) }).toEqual(EXPECTED[stage]);
  });

  it('a job the server is asked to cancel cannot be cancelled again; it shows as cancelling while tracked', () => {
    expect(canCancel({ stage: 'tracking', cancelRequested: true })).toBe(false);
    expect(canCancel({ stage: 'tracking', cancelRequested: false })).toBe(true);
    expect(isCancelling({ stage: 'tracking', cancelRequested: true })).toBe(true);
    expect(isCancelling({ stage: 'cancelled', cancelRequested: true })).toBe(false);
    expect(isCancelling({ stage: 'tracking' })).toBe(false);
  });

  it('a job can always be either cancelled or retried, unless it completed', () => {
    for (const stage of STAGES) expect(canCancel({ stage }) || canRetry({ stage }) || stage === 'completed').toBe(true);
  });

  it('undo and re-file: taken back before the server holds the job, cancelled there after, nothing once ended', () => {
    const expected: Record<Stage, [ReturnType<typeof undoKind>, ReturnType<typeof refileKind>]> = {
      queued: ['remove', 'rename'],
      uploading: ['remove', 'rename'],
      tracking: ['cancel', 'cancelAndResend'],
      completed: [null, null],
      failed: [null, null],
      rejected: [null, null],
      cancelled: [null, null],
      blocked: [null, null],
    };
    for (const stage of STAGES) expect([undoKind({ stage }), refileKind({ stage })]).toEqual(expected[stage]);
    // Being cancelled already: nothing more to undo or re-file.
    expect([undoKind({ stage: 'tracking', cancelRequested: true }), refileKind({ stage: 'tracking', cancelRequested: true })]).toEqual([null, null]);
  });
});
