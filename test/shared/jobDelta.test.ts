import { describe, expect, it } from 'vitest';
import { applyJobPatch, diffJob, resolveDeltas, type JobDelta } from '../../src/shared/jobDelta';
import type { QueueJob } from '../../src/shared/queueJob';
import { sampleJob, trackedJob } from '../support/sampleJob';

describe('job deltas', () => {
  it('a status update is the changed fields of the server state, not the whole job', () => {
    const before = trackedJob('ocr_started', 3);
    const after: QueueJob = { ...before, updatedAt: 9, server: { ...before.server!, phase: 'ocr_completed', seq: 4, message: 'now ocr_completed' } };
    const fields = diffJob(before, after);
    expect(fields).toHaveLength(4);
    expect(fields).toEqual(
      expect.arrayContaining([
        { path: ['updatedAt'], value: 9 },
        { path: ['server', 'phase'], value: 'ocr_completed' },
        { path: ['server', 'seq'], value: 4 },
        { path: ['server', 'message'], value: 'now ocr_completed' },
      ]),
    );
    expect(applyJobPatch(before, fields)).toEqual(after);
    expect(before.server?.phase).toBe('ocr_started'); // the base is not changed
  });

  it('fields added, removed, set to null and replaced whole (arrays) all travel; no change gives no fields', () => {
    const before = sampleJob({ upload: { sentBytes: 1, totalBytes: 10, bytesPerSecond: 5, etaSeconds: 2 }, cancelRequested: true });
    // A field QueueJob does not know yet (another change may add one): generic, so it travels too.
    const after = { ...before, upload: null, files: [...before.files, { ...before.files[0]!, name: 'b.pdf' }], progress: { done: 3, of: 7 } } as QueueJob;
    delete (after as { cancelRequested?: boolean }).cancelRequested;
    const fields = diffJob(before, after);
    expect(fields.map((field) => field.path.join('.'))).toEqual(['files', 'upload', 'progress', 'cancelRequested']);
    expect(fields.at(-1)).toEqual({ path: ['cancelRequested'], removed: true });
    expect(applyJobPatch(before, fields)).toStrictEqual(after);
    expect(diffJob(after, { ...after })).toEqual([]);
  });

  it('a field set to undefined is removed (not kept as a key holding undefined); undefined where there was nothing is no change', () => {
    const before = sampleJob({ error: { code: 'x', message: 'y' } }) as QueueJob & { note?: string };
    const after = { ...before, error: undefined, note: undefined } as unknown as QueueJob;
    expect(diffJob(before, after)).toEqual([{ path: ['error'], removed: true }]);
    const patched = applyJobPatch(before, diffJob(before, after));
    expect(patched).not.toHaveProperty('error');
    expect(patched).not.toHaveProperty('note');
  });

  it('objects other than plain ones (a Date, a class) are compared and replaced whole; objects without a prototype field by field', () => {
    const job = sampleJob();
    const at = (ms: number) => ({ ...job, when: new Date(ms) }) as unknown as QueueJob;
    expect(diffJob(at(1), at(2))).toEqual([{ path: ['when'], value: new Date(2) }]);
    const bare = (seq: number) => ({ ...job, meta: Object.assign(Object.create(null) as object, { seq, kind: 'k' }) }) as unknown as QueueJob;
    expect(diffJob(bare(1), bare(2))).toEqual([{ path: ['meta', 'seq'], value: 2 }]);
  });

  it('several fields under one object land in one copy of it; the base, frozen all the way down, is not touched', () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) Object.values(value).forEach(deepFreeze);
      return Object.freeze(value);
    };
    const before = deepFreeze(trackedJob('ocr_started', 3));
    const fields = [
      { path: ['server', 'phase'], value: 'ocr_completed' },
      { path: ['server', 'phaseSeenAt', 'ocr_completed'], value: '2026-12-03T10:00:00.000Z' },
      { path: ['server', 'seq'], value: 4 },
      { path: ['server', 'phaseSeenAt', 'ai_started'], value: '2026-12-03T10:00:01.000Z' },
      { path: ['updatedAt'], value: 9 },
    ];
    const patched = applyJobPatch(before, fields);
    expect(patched).toEqual({
      ...before,
      updatedAt: 9,
      server: {
        ...before.server!,
        phase: 'ocr_completed',
        seq: 4,
        phaseSeenAt: { ...before.server!.phaseSeenAt, ocr_completed: '2026-12-03T10:00:00.000Z', ai_started: '2026-12-03T10:00:01.000Z' },
      },
    });
    expect(patched.server).not.toBe(before.server);
    expect(patched.files).toBe(before.files); // what no change touches is shared, not copied
  });

  it('a change with no path changes nothing', () => {
    const job = sampleJob();
    expect(applyJobPatch(job, [{ path: [], value: 'x' }])).toStrictEqual(job);
  });

  it('resolves a batch against the jobs held: patches of one job build on each other; a patch for an unknown job is dropped', () => {
    const held = new Map([['local-1', sampleJob()]]);
    const deltas: JobDelta[] = [
      { type: 'patch', id: 'local-1', fields: [{ path: ['stage'], value: 'uploading' }] },
      { type: 'upsert', job: sampleJob({ id: 'new' }) },
      { type: 'patch', id: 'local-1', fields: [{ path: ['uploadAttempts'], value: 2 }] },
      { type: 'patch', id: 'new', fields: [{ path: ['stage'], value: 'tracking' }] },
      { type: 'patch', id: 'gone', fields: [{ path: ['stage'], value: 'failed' }] },
      { type: 'remove', id: 'other' },
    ];
    expect(resolveDeltas(deltas, (id) => held.get(id))).toEqual([
      { type: 'upsert', job: sampleJob({ stage: 'uploading', uploadAttempts: 2 }) },
      { type: 'upsert', job: sampleJob({ id: 'new', stage: 'tracking' }) },
      { type: 'remove', id: 'other' },
    ]);
  });
});
