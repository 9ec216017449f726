/**
 * Change lines rebuild exactly the record they were cut from, whichever
 * points the store happened to save at, and replaying one twice or over a
 * newer record changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PHASE_TIMES, applyJobChange, jobChangeSince } from '../../src/server/jobChange';
import { transition } from '../../src/server/jobPipeline';
import { type JobRecord, newJobRecord } from '../../src/server/jobRecord';

const PHASES = ['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed', 'saving_results', 'completed'];

function freshJob(): JobRecord {
  return newJobRecord({ jobId: 'job-1', chartNumber: 'C-1', jobIndex: 0, maxAttempts: 3, documents: [] });
}

function step(job: JobRecord, n: number): void {
  const phase = PHASES[n % PHASES.length] ?? 'processing';
  if (phase === 'processing') job.attempt += 1;
  transition(job, { status: phase === 'completed' ? 'completed' : 'processing', phase, message: `step ${n}` });
}

const copy = (job: JobRecord): JobRecord => structuredClone(job);

describe('job change lines', () => {
  it('a new job (seq 0, no timings yet) needs its whole record', () => {
    const job = freshJob();
    step(job, 0);
    expect(jobChangeSince(job, 0)).toBeUndefined();
    expect(jobChangeSince(job, job.seq)).toBeUndefined();
  });

  it('replaying the changes of any save points rebuilds the record, timings included', () => {
    // Save points of different spacing, across the timing cap too.
    for (const every of [1, 2, 5, 13]) {
      const live = freshJob();
      step(live, 0);
      const replica = copy(live);
      let saved = live.seq;
      for (let n = 1; n <= MAX_PHASE_TIMES + 40; n++) {
        step(live, n);
        if (n % every !== 0) continue;
        const change = jobChangeSince(live, saved);
        expect(change).toBeDefined();
        expect(applyJobChange(replica, JSON.parse(JSON.stringify(change)))).toBe(true);
        expect(replica).toEqual(live);
        saved = live.seq;
      }
      expect(live.phaseTimes).toHaveLength(MAX_PHASE_TIMES);
    }
  });

  it('carries only the timings it touched, not the whole history', () => {
    const job = freshJob();
    for (let n = 0; n < 40; n++) step(job, n);
    const since = job.seq;
    step(job, 40);
    const change = jobChangeSince(job, since);
    expect(change?.phaseTimes).toHaveLength(2);
    expect(change?.phaseTimes[0]?.endedAt).not.toBeNull();
    expect(JSON.stringify(change).length).toBeLessThan(JSON.stringify(job).length / 5);
  });

  it('skips a change the record already holds, and refuses one that skipped a line', () => {
    const live = freshJob();
    step(live, 0);
    const old = copy(live);
    step(live, 1);
    const middle = copy(live);
    const firstChange = jobChangeSince(live, old.seq);
    step(live, 2);
    const secondChange = jobChangeSince(live, middle.seq);
    if (firstChange === undefined || secondChange === undefined) throw new Error('expected change lines');

    const newer = copy(live);
    expect(applyJobChange(newer, firstChange)).toBe(true);
    expect(newer).toEqual(live);

    const behind = copy(old);
    expect(applyJobChange(behind, secondChange)).toBe(false);
    expect(behind).toEqual(old);
  });
});
