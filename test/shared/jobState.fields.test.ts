/**
 * What a status frame leaves on the job the user sees (message, retry state,
 * phase times) and how frames without seq or time are ordered. The ordering
 * tables are in jobState.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { applyStatusUpdate, initialServerJob, isFinal, type ServerJobState, type StatusUpdate } from '../../src/shared/jobState';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const frame = (status: string, phase: string, extra: Partial<StatusUpdate> = {}): StatusUpdate => ({ jobId: 'j', status, phase, ...extra });

function apply(updates: StatusUpdate[], start: ServerJobState = initialServerJob('j')) {
  let job = start;
  const outcomes: string[] = [];
  for (const update of updates) {
    const result = applyStatusUpdate(job, update);
    job = result.job;
    outcomes.push(result.outcome);
  }
  return { job, outcomes };
}

describe('a job the server has not reported on yet', () => {
  it('is queued, open, without message, time, seq or retry', () => {
    const job = initialServerJob('job-1');
    expect(job).toEqual({
      jobId: 'job-1',
      status: 'queued',
      phase: 'queued',
      message: '',
      timestamp: null,
      seq: null,
      attempt: null,
      maxAttempts: null,
      willRetry: false,
      phaseSeenAt: {},
    });
    expect(isFinal(job)).toBe(false);
  });
});

describe('what a frame leaves on the job', () => {
  it("shows the latest frame's message; a frame without one clears the old text", () => {
    const { job } = apply([frame('processing', 'ocr_started', { seq: 1, message: 'Reading page 1' })]);
    expect(job.message).toBe('Reading page 1');
    expect(apply([frame('processing', 'ocr_completed', { seq: 2 })], job).job.message).toBe('');
  });

  it('a failure is recognised by its status or by its phase, and its retry promise kept', () => {
    // Status failed while the phase names where it failed.
    const inOcr = apply([frame('failed', 'ocr_started', { seq: 1, willRetry: true, attempt: 1, maxAttempts: 3 })]).job;
    expect(inOcr.willRetry).toBe(true);
    expect(isFinal(inOcr)).toBe(false);
    // Phase failed under a status this client does not know.
    const odd = apply([frame('error', 'failed', { seq: 1, willRetry: true })]).job;
    expect(odd.willRetry).toBe(true);
  });

  it('a frame that is not a failure never promises a retry, whatever it carries', () => {
    const { job } = apply([frame('processing', 'ocr_started', { seq: 1, willRetry: true })]);
    expect(job.willRetry).toBe(false);
  });

  it('records a phase time only from a timed frame; a later timed sighting fills it in', () => {
    const untimed = apply([frame('processing', 'ocr_started')]).job;
    expect(untimed.phaseSeenAt).toEqual({});
    const timed = apply([frame('processing', 'ocr_started', { timestamp: T(3) })], untimed).job;
    expect(timed.phaseSeenAt).toEqual({ ocr_started: T(3) });
  });
});

describe('ordering when only one side has a seq', () => {
  it('a numbered frame older than what is known by time alone is stale', () => {
    const timedOnly = apply([frame('processing', 'ai_started', { timestamp: T(5) })]).job;
    expect(apply([frame('processing', 'ocr_started', { seq: 3, timestamp: T(2) })], timedOnly).outcomes).toEqual(['stale']);
  });

  it('seq 0 is a first frame like any other', () => {
    expect(apply([frame('processing', 'processing', { seq: 0, timestamp: T(1) }), frame('processing', 'ocr_started', { seq: 1, timestamp: T(2) })]).outcomes).toEqual(['applied', 'applied']);
  });
});

describe('frames without time', () => {
  it('before any timed frame: a repeat is a duplicate; a new phase or status name is applied', () => {
    expect(apply([frame('processing', 'ocr_started'), frame('processing', 'ocr_started')]).outcomes).toEqual(['applied', 'duplicate']);
    // Unknown phases all rank the same: only the name says it is news.
    expect(apply([frame('processing', 'virus_scan'), frame('processing', 'deskew')]).job.phase).toBe('deskew');
    expect(apply([frame('paused', 'virus_scan'), frame('running', 'virus_scan')]).job.status).toBe('running');
  });

  it('after a timed frame: a repeat is a duplicate; the same phase under another status is stale', () => {
    const timed = apply([frame('processing', 'ocr_started', { timestamp: T(2) })]).job;
    expect(apply([frame('processing', 'ocr_started')], timed).outcomes).toEqual(['duplicate']);
    expect(apply([frame('paused', 'ocr_started')], timed).outcomes).toEqual(['stale']);
  });

  it('a final failure known only from a frame without time is not reopened by an earlier phase', () => {
    const { job, outcomes } = apply([frame('failed', 'failed'), frame('processing', 'ocr_started', { timestamp: T(4) })]);
    expect(outcomes).toEqual(['applied', 'stale']);
    expect(isFinal(job)).toBe(true);
  });
});

describe('frames at the same time as the state (what the dropped-frame counters see)', () => {
  it('only the very same phase and status is a duplicate; anything else not newer is stale', () => {
    const at = apply([frame('processing', 'ocr_started', { timestamp: T(4) })]).job;
    expect(apply([frame('processing', 'ocr_started', { timestamp: T(4) })], at).outcomes).toEqual(['duplicate']);
    expect(apply([frame('paused', 'ocr_started', { timestamp: T(4) })], at).outcomes).toEqual(['stale']);
    const unknown = apply([frame('processing', 'virus_scan', { timestamp: T(4) })]).job;
    expect(apply([frame('processing', 'deskew', { timestamp: T(4) })], unknown).outcomes).toEqual(['stale']);
  });
});

describe("the Socket.IO dialects' progress and status word (no seq)", () => {
  it("a frame with progress replaces the share shown, a frame without keeps it; the backend's status word is the latest frame's, like its message", () => {
    const { job } = apply([
      frame('processing', 'ocr_started', { timestamp: T(1), progress: 10, statusWord: 'RUNNING' }),
      frame('processing', 'ocr_completed', { timestamp: T(2), progress: 40, statusWord: 'RUNNING' }),
      frame('processing', 'ai_started', { timestamp: T(3), statusWord: 'ANALYZING' }),
    ]);
    expect(job).toMatchObject({ progress: 40, statusWord: 'ANALYZING' });
    expect(apply([frame('processing', 'ai_completed', { timestamp: T(4) })], job).job).not.toHaveProperty('statusWord');
  });

  it('at the same time, more progress is the later frame and less is stale, whatever the phases say', () => {
    const at = apply([frame('processing', 'ocr_started', { timestamp: T(4), progress: 30 })]).job;
    const more = apply([frame('processing', 'ocr_started', { timestamp: T(4), progress: 60 })], at);
    expect(more.outcomes).toEqual(['applied']);
    expect(more.job.progress).toBe(60);
    // Less progress under a later phase name: still the older frame.
    expect(apply([frame('processing', 'ai_started', { timestamp: T(4), progress: 10 })], at).outcomes).toEqual(['stale']);
    // The same progress: the phases decide, as without progress.
    expect(apply([frame('processing', 'ocr_started', { timestamp: T(4), progress: 30 })], at).outcomes).toEqual(['duplicate']);
    expect(apply([frame('processing', 'ai_started', { timestamp: T(4), progress: 30 })], at).outcomes).toEqual(['applied']);
    // Progress on one side only: the phases decide.
    expect(apply([frame('processing', 'ocr_started', { timestamp: T(4) })], at).outcomes).toEqual(['duplicate']);
    const without = apply([frame('processing', 'ocr_started', { timestamp: T(4) })]).job;
    expect(apply([frame('processing', 'ai_started', { timestamp: T(4), progress: 10 })], without).outcomes).toEqual(['applied']);
  });
});
