/**
 * The queue's side of following jobs on the server: what the tracker is asked
 * to follow and to drop, what an update does to a job, and which jobs a server
 * switch leaves behind (they end, saying why, and are counted once).
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/base/logger';
import { toDisposable } from '../../../src/core/base/lifecycle';
import { ChangeStream } from '../../../src/core/queue/changeStream';
import { JobBook } from '../../../src/core/queue/jobBook';
import { LEFT_ON_PREVIOUS_SERVER } from '../../../src/core/queue/jobTransitions';
import { ServerFollowing } from '../../../src/core/queue/serverFollowing';
import type { JobTracker, QueueEvent } from '../../../src/core/queue/types';
import { initialServerJob, type ServerJobState } from '../../../src/shared/jobState';
import type { QueueJob } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { sampleJob } from '../../support/sampleJob';

function setUp(identity = 'server-a') {
  const calls: unknown[][] = [];
  const tracker: JobTracker = {
    track: (jobId, info, known) => void calls.push(['track', jobId, info, known]),
    untrack: (jobId) => void calls.push(['untrack', jobId]),
    onJob: () => toDisposable(() => {}),
  };
  const logs: [string, string, unknown][] = [];
  const logger: Logger = {
    debug: () => {},
    info: (message, context) => void logs.push(['info', message, context]),
    warn: (message, context) => void logs.push(['warn', message, context]),
    error: (message, context) => void logs.push(['error', message, context]),
  };
  const book = new JobBook(new ChangeStream(logger), new FakeClock(), () => {});
  const events: QueueEvent[] = [];
  let ended = 0;
  const following = new ServerFollowing({ book, tracker, logger, emit: (e) => events.push(e), identity: () => identity, ended: () => void ended++ });
  return { book, calls, logs, events, following, ended: () => ended };
}

const state = (jobId: string, patch: Partial<ServerJobState>): ServerJobState => ({ ...initialServerJob(jobId), ...patch });

describe('ServerFollowing', () => {
  it('follows a job only once the server gave it an id, with its batch only when it has one', () => {
    const { calls, following } = setUp();
    following.follow(sampleJob({ jobId: null }), undefined);
    following.follow(sampleJob({ jobId: 'srv-1', chartNumber: 'CH-1' }), undefined);
    const known = state('srv-2', { status: 'processing' });
    following.follow(sampleJob({ jobId: 'srv-2', chartNumber: 'CH-2', batchId: 'b-1' }), known);
    expect(calls).toStrictEqual([
      ['track', 'srv-1', { chartNumber: 'CH-1' }, undefined],
      ['track', 'srv-2', { chartNumber: 'CH-2', batchId: 'b-1' }, known],
    ]);
  });

  it('stops following only a job that is still followed', () => {
    const { calls, following } = setUp();
    following.unfollow(sampleJob({ stage: 'queued', jobId: null }));
    following.unfollow(sampleJob({ stage: 'uploading', jobId: 'srv-0' }));
    following.unfollow(sampleJob({ stage: 'completed', jobId: 'srv-9' }));
    following.unfollow(sampleJob({ stage: 'tracking', jobId: 'srv-1' }));
    expect(calls).toEqual([['untrack', 'srv-1']]);
  });

  it('an update moves the job and, at its end, reports it once; a job the server retried after failing is followed again', () => {
    const { book, calls, logs, events, following, ended } = setUp();
    book.restore(sampleJob({ id: 'local-1', stage: 'tracking', jobId: 'srv-1', server: initialServerJob('srv-1') }));
    following.apply(state('srv-1', { status: 'processing', phase: 'ocr', seq: 1 }));
    expect(book.get('local-1')?.stage).toBe('tracking');
    expect(calls).toEqual([]); // already followed: not asked again
    expect(events.map((e) => e.type)).toEqual(['phase']);

    following.apply(state('srv-1', { status: 'failed', phase: 'failed', message: 'OCR crashed', seq: 2 }));
    expect(book.get('local-1')).toMatchObject({ stage: 'failed', error: { code: 'server_failed', message: 'OCR crashed' } });
    expect(events.map((e) => e.type)).toEqual(['phase', 'phase', 'done']);
    expect(ended()).toBe(1);
    expect(logs).toContainEqual(['info', 'job failed', { job: 'local-1' }]);

    const retried = state('srv-1', { status: 'processing', phase: 'ocr', seq: 3 });
    following.apply(retried);
    expect(book.get('local-1')).toMatchObject({ stage: 'tracking', error: null });
    expect(calls).toEqual([['track', 'srv-1', { chartNumber: 'A-100' }, retried]]);
    expect(ended()).toBe(1);
  });

  it('an update that leaves an ended job ended (a held job released as completed) does not ask to follow it again', () => {
    const { book, calls, events, following, ended } = setUp();
    book.restore(sampleJob({ id: 'held', stage: 'blocked', jobId: 'srv-1', server: state('srv-1', { status: 'blocked', phase: 'blocked', seq: 4 }) }));
    following.apply(state('srv-1', { status: 'completed', phase: 'completed', seq: 5 }));
    expect(book.get('held')?.stage).toBe('completed');
    expect(calls).toEqual([]); // the server will send nothing more about it: nothing to follow
    expect(events.map((e) => e.type)).toEqual(['phase', 'done']);
    expect(ended()).toBe(1);
  });

  it('a server switch ends, once each, the open jobs another backend accepted, and says how many', () => {
    const { book, calls, logs, events, following, ended } = setUp('server-b');
    const open = (id: string, jobId: string, acceptedBy?: string): QueueJob =>
      book.restore(sampleJob({ id, stage: 'tracking', jobId, ...(acceptedBy !== undefined && { acceptedBy }) }));
    open('mine', 'srv-1', 'server-b');
    open('theirs-1', 'srv-2', 'server-a');
    open('theirs-2', 'srv-3', 'server-a');
    open('legacy', 'srv-4'); // saved before jobs recorded their backend: counts as the legacy one
    book.restore(sampleJob({ id: 'done', stage: 'completed', jobId: 'srv-5', acceptedBy: 'server-a' }));

    following.leaveOtherServersJobs('server-a');
    expect(calls).toEqual([['untrack', 'srv-2'], ['untrack', 'srv-3'], ['untrack', 'srv-4']]);
    expect(['mine', 'theirs-1', 'theirs-2', 'legacy', 'done'].map((id) => [id, book.get(id)?.stage, book.get(id)?.error?.code ?? null])).toEqual([
      ['mine', 'tracking', null],
      ['theirs-1', 'failed', LEFT_ON_PREVIOUS_SERVER],
      ['theirs-2', 'failed', LEFT_ON_PREVIOUS_SERVER],
      ['legacy', 'failed', LEFT_ON_PREVIOUS_SERVER],
      ['done', 'completed', null],
    ]);
    expect(events.map((e) => [e.type, (e as { job: QueueJob }).job.id])).toEqual([['done', 'theirs-1'], ['done', 'theirs-2'], ['done', 'legacy']]);
    expect(logs).toEqual([['warn', 'jobs left on the previous server', { jobs: 3 }]]);
    expect(ended()).toBe(1);
  });

  it('a switch that leaves nothing behind says nothing and ends nothing', () => {
    const { book, logs, following, ended } = setUp('server-b');
    book.restore(sampleJob({ id: 'mine', stage: 'tracking', jobId: 'srv-1', acceptedBy: 'server-b' }));
    following.leaveOtherServersJobs('server-b');
    expect(logs).toEqual([]);
    expect(ended()).toBe(0);
  });
});
