/**
 * The queue's pure job transitions: which jobs still take server updates,
 * what each final update makes of a job (and the message the user reads),
 * what Retry does, and what an upload's verdict leaves on the job.
 */
import { describe, expect, it } from 'vitest';
import { followsServer, planRetry, withServerState, withUploadVerdict } from '../../../src/core/queue/jobTransitions';
import { initialServerJob, type ServerJobState } from '../../../src/shared/jobState';
import { sampleJob } from '../../support/sampleJob';

const state = (patch: Partial<ServerJobState>): ServerJobState => ({ ...initialServerJob('srv-1'), ...patch });

describe('followsServer', () => {
  it('a job the server holds takes its updates while followed or ended there (a held job can still be released)', () => {
    for (const stage of ['tracking', 'completed', 'failed', 'blocked'] as const) {
      expect(followsServer(sampleJob({ stage, jobId: 'srv-1' })), stage).toBe(true);
    }
    expect(followsServer(sampleJob({ stage: 'cancelled', jobId: 'srv-1' }))).toBe(false); // cancelled here: ignores the server
    expect(followsServer(sampleJob({ stage: 'tracking', jobId: null }))).toBe(false);
    expect(followsServer(sampleJob({ stage: 'failed', jobId: null }))).toBe(false);
  });
});

describe('withServerState', () => {
  const tracking = sampleJob({ stage: 'tracking', jobId: 'srv-1', cancelRequested: true });

  it('each final status ends the job in its own stage, with the server’s message or a plain one', () => {
    expect(withServerState(tracking, state({ status: 'completed' })).patch).toMatchObject({ stage: 'completed', error: null, cancelRequested: false });
    expect(withServerState(tracking, state({ status: 'cancelled' })).patch).toMatchObject({ stage: 'cancelled', error: null });
    expect(withServerState(tracking, state({ status: 'blocked', message: 'Illegible page 2' })).patch).toMatchObject({
      stage: 'blocked',
      error: { code: 'server_blocked', message: 'Illegible page 2' },
    });
    expect(withServerState(tracking, state({ status: 'blocked', message: '' })).patch).toMatchObject({
      stage: 'blocked',
      error: { code: 'server_blocked', message: 'Held by a quality check: a person needs to look at it.' },
    });
    expect(withServerState(tracking, state({ status: 'failed', message: '' })).patch).toMatchObject({
      stage: 'failed',
      error: { code: 'server_failed', message: 'The server could not process the documents.' },
    });
  });

  it('an end is reported once: the same final update again does not finish the job twice', () => {
    expect(withServerState(tracking, state({ status: 'completed' })).finished).toBe(true);
    const completed = sampleJob({ stage: 'completed', jobId: 'srv-1' });
    expect(withServerState(completed, state({ status: 'completed' })).finished).toBe(false);
    const blocked = sampleJob({ stage: 'blocked', jobId: 'srv-1' });
    expect(withServerState(blocked, state({ status: 'completed' })).finished).toBe(true); // released after review
  });
});

describe('planRetry', () => {
  it('a job cancelled here while the server kept it is followed again, not sent twice', () => {
    const running = state({ status: 'processing' });
    expect(planRetry(sampleJob({ stage: 'cancelled', jobId: 'srv-1', server: running }), true)?.kind).toBe('retrack');
    expect(planRetry(sampleJob({ stage: 'cancelled', jobId: 'srv-1', server: null }), true)?.kind).toBe('retrack');
  });

  it('a job cancelled before the server had it is simply sent, under its own key (nothing to follow)', () => {
    const job = sampleJob({ stage: 'cancelled', jobId: null, server: null });
    expect(planRetry(job, true)).toMatchObject({ kind: 'reupload', patch: { stage: 'queued', jobId: null, idempotencyKey: job.idempotencyKey } });
  });

  it('a job whose server job ended is sent again under a new key', () => {
    for (const [job, onThisServer] of [
      [sampleJob({ stage: 'cancelled', jobId: 'srv-1', server: state({ status: 'cancelled' }) }), true],
      [sampleJob({ stage: 'failed', jobId: 'srv-1', server: state({ status: 'processing' }) }), true],
      [sampleJob({ stage: 'cancelled', jobId: 'srv-1', server: state({ status: 'processing' }) }), false], // left on another server
    ] as const) {
      const plan = planRetry(job, onThisServer);
      expect(plan?.kind).toBe('reupload');
      expect(plan?.patch).toMatchObject({ stage: 'queued', jobId: null, server: null });
      expect(plan?.patch.idempotencyKey).not.toBe(job.idempotencyKey);
    }
  });
});

describe('withUploadVerdict', () => {
  it('every verdict clears the upload’s progress and its next try', () => {
    for (const verdict of [
      { action: 'accepted', jobId: 'srv-1' },
      { action: 'auth', message: 'Token refused.' },
      { action: 'reject', code: 'too_large', message: 'Too large.' },
      { action: 'fail', code: 'network', message: 'Gave up.' },
    ] as const) {
      const { patch } = withUploadVerdict(verdict, 'server-a');
      expect(patch, verdict.action).toMatchObject({ upload: null, nextUploadAt: null });
    }
  });

  it('a refused or failed upload ends the job with its reason', () => {
    expect(withUploadVerdict({ action: 'reject', code: 'too_large', message: 'Too large.' }, 'a')).toEqual({
      patch: { upload: null, nextUploadAt: null, stage: 'rejected', error: { code: 'too_large', message: 'Too large.' } },
      outcome: 'ended',
    });
    expect(withUploadVerdict({ action: 'fail', code: 'network', message: 'Gave up.' }, 'a')).toEqual({
      patch: { upload: null, nextUploadAt: null, stage: 'failed', error: { code: 'network', message: 'Gave up.' } },
      outcome: 'ended',
    });
  });
});
