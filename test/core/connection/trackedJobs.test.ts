import { describe, expect, it } from 'vitest';
import { TrackedJobs } from '../../../src/core/connection/trackedJobs';
import { initialServerJob } from '../../../src/shared/jobState';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('TrackedJobs', () => {
  it('a tracked job is wanted until it completes; completing says so once', () => {
    const jobs = new TrackedJobs();
    expect(jobs.track('j1', 'C1')).toBe(true);
    expect(jobs.track('j1', 'C1')).toBe(false);
    expect([...jobs.wantedIds()]).toEqual(['j1']);
    const record = jobs.get('j1')!;
    expect(jobs.apply(record, { jobId: 'j1', status: 'processing', phase: 'processing', timestamp: at(1), seq: 1 }).change).toBeNull();
    const done = jobs.apply(record, { jobId: 'j1', status: 'completed', phase: 'completed', timestamp: at(2), seq: 2 });
    expect(done).toMatchObject({ outcome: 'applied', change: 'completed' });
    expect(jobs.wantedCount).toBe(0);
    expect(jobs.apply(record, { jobId: 'j1', status: 'processing', phase: 'ocr_started', timestamp: at(3), seq: 3 }).outcome).toBe('final');
    expect(jobs.get('j1')?.state.status).toBe('completed');
  });

  it('failed with willRetry stays wanted; final failed leaves and a newer update reopens', () => {
    const jobs = new TrackedJobs();
    jobs.track('j', 'C');
    const record = jobs.get('j')!;
    expect(jobs.apply(record, { jobId: 'j', status: 'failed', phase: 'failed', timestamp: at(1), seq: 1, willRetry: true }).change).toBeNull();
    expect(jobs.wantedCount).toBe(1);
    expect(jobs.apply(record, { jobId: 'j', status: 'failed', phase: 'failed', timestamp: at(2), seq: 2, willRetry: false }).change).toBe('closed');
    expect(jobs.wantedCount).toBe(0);
    expect(jobs.openCharts().size).toBe(0);
    expect(jobs.apply(record, { jobId: 'j', status: 'processing', phase: 'processing', timestamp: at(3), seq: 3 }).change).toBe('reopened');
    expect([...jobs.wantedIds()]).toEqual(['j']);
    expect(jobs.wantedCount).toBe(1);
  });

  it('a job known to be final is kept for reading but not wanted', () => {
    const jobs = new TrackedJobs();
    expect(jobs.track('k', 'C', { ...initialServerJob('k'), status: 'completed', phase: 'completed', seq: 9 })).toBe(false);
    expect(jobs.wantedCount).toBe(0);
    expect(jobs.get('k')?.state.seq).toBe(9);
  });

  it('untrack forgets the job entirely; charts group open jobs', () => {
    const jobs = new TrackedJobs();
    jobs.track('a', 'C1');
    jobs.track('b', 'C1');
    jobs.track('c', 'C2');
    expect([...jobs.openCharts()].sort()).toEqual(['C1', 'C2']);
    expect(jobs.ofChart('C1').map(([id]) => id)).toEqual(['a', 'b']);
    expect(jobs.untrack('a')?.chartNumber).toBe('C1');
    expect(jobs.untrack('a')).toBeUndefined();
    expect(jobs.get('a')).toBeUndefined();
    expect(jobs.wantedCount).toBe(2);
  });

  it('keeps a bounded number of ended jobs', () => {
    const jobs = new TrackedJobs();
    for (let i = 0; i < 2_100; i += 1) jobs.track(`done-${i}`, 'C', { ...initialServerJob(`done-${i}`), status: 'completed', phase: 'completed' });
    jobs.track('open', 'C');
    // The newest 2,000 ended jobs are kept, the 100 oldest evicted.
    expect(jobs.get('done-99')).toBeUndefined();
    expect(jobs.get('done-100')).toBeDefined();
    expect(jobs.get('done-2099')).toBeDefined();
    expect(jobs.get('open')).toBeDefined();
    expect(jobs.wantedCount).toBe(1);
  });

  it('untracking an ended job leaves the count of wanted jobs as it was', () => {
    const jobs = new TrackedJobs();
    jobs.track('open', 'C');
    jobs.track('done', 'C', { ...initialServerJob('done'), status: 'completed', phase: 'completed' });
    expect(jobs.wantedCount).toBe(1);
    expect(jobs.untrack('done')?.wanted).toBe(false);
    expect(jobs.wantedCount).toBe(1);
    expect([...jobs.wantedIds()]).toEqual(['open']);
  });

  it('keeps exactly the newest 2,000 ended jobs and never forgets a job it still follows', () => {
    const jobs = new TrackedJobs();
    jobs.track('open-first', 'C');
    const ended = Array.from({ length: 2_001 }, (_, i) => `done-${i}`);
    for (const id of ended) jobs.track(id, 'C', { ...initialServerJob(id), status: 'completed', phase: 'completed' });
    expect(ended.filter((id) => jobs.get(id) !== undefined)).toEqual(ended.slice(1));
    expect(jobs.get('open-first')?.wanted).toBe(true);
    expect([...jobs.wantedIds()]).toEqual(['open-first']);
    expect(jobs.wantedCount).toBe(1);
  });
  it('remembers the newest 2,000 jobs it let go (removed or evicted when ended), so their late updates are known as such', () => {
    const jobs = new TrackedJobs();
    jobs.track('removed', 'C');
    jobs.untrack('removed');
    expect(jobs.letGo('removed')).toBe(true);
    expect(jobs.letGo('never-seen')).toBe(false);
    jobs.track('open', 'C');
    expect(jobs.letGo('open')).toBe(false);
    const ended = Array.from({ length: 2_001 }, (_, i) => `done-${i}`);
    for (const id of ended) jobs.track(id, 'C', { ...initialServerJob(id), status: 'completed', phase: 'completed' });
    // done-0 was evicted (the 2,001st ended job): it is let go, and so still known; the removed job is now the oldest.
    expect(jobs.get('done-0')).toBeUndefined();
    expect(jobs.letGo('done-0')).toBe(true);
    for (let i = 0; i < 2_000; i += 1) {
      jobs.track(`gone-${i}`, 'C');
      jobs.untrack(`gone-${i}`);
    }
    expect(jobs.letGo('removed')).toBe(false);
    expect(jobs.letGo('done-0')).toBe(false);
    expect(jobs.letGo('gone-0')).toBe(true);
    expect(jobs.letGo('gone-1999')).toBe(true);
    // Tracked again (a restart restores it): followed, not let go.
    jobs.track('gone-5', 'C');
    expect(jobs.letGo('gone-5')).toBe(false);
  });
});
