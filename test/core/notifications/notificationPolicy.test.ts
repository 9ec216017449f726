import { describe, expect, it } from 'vitest';
import {
  coalesceNotifications,
  initialNotificationState,
  type NotificationDecision,
  type NotificationOptions,
  type NotificationState,
} from '../../../src/core/notifications/notificationPolicy';
import { NotificationScheduler } from '../../../src/core/notifications/NotificationScheduler';
import type { QueueEvent } from '../../../src/core/queue/UploadQueue';
import type { QueueJob, Stage } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';

function job(n: number, stage: Stage, message = ''): QueueJob {
  return {
    id: `job-${n}`,
    chartNumber: `CHART-${1000 + n}`,
    files: [{ path: `/tmp/${n}.pdf`, name: `${n}.pdf`, size: 10, type: 'pdf' }],
    stage,
    idempotencyKey: `key-${n}`,
    jobId: `srv-${n}`,
    createdAt: 0,
    updatedAt: 0,
    upload: null,
    uploadAttempts: 1,
    nextUploadAt: null,
    server: null,
    error: message ? { code: 'server_failed', message } : null,
  };
}

const done = (j: QueueJob): QueueEvent => ({ type: 'done', job: j });

/** Runs events through the reducer at the given times, then ticks at `tickAt`. */
function run(inputs: Array<[QueueEvent, number]>, tickAt: number, options: NotificationOptions): NotificationDecision[] {
  let state: NotificationState = initialNotificationState;
  const decisions: NotificationDecision[] = [];
  for (const [event, at] of inputs) {
    const step = coalesceNotifications(state, { type: 'event', event, at }, options);
    state = step.state;
    decisions.push(...step.decisions);
  }
  const last = coalesceNotifications(state, { type: 'tick', at: tickAt }, options);
  return [...decisions, ...last.decisions];
}

describe('coalesceNotifications (pure)', () => {
  it('a blocked job (seed 004) is told in its own words, and counted apart in a summary', () => {
    expect(run([[done(job(1, 'blocked')), 0]], 3000, { includeChartNumbers: true })).toEqual([
      { kind: 'blocked', title: 'Job needs review', body: 'Chart CHART-1001: held by a quality check; a person needs to look at it.', jobIds: ['job-1'] },
    ]);
    const mixed = run([[done(job(1, 'blocked')), 0], [done(job(2, 'completed')), 10], [done(job(3, 'failed', 'OCR failed')), 20]], 3000, { includeChartNumbers: false });
    expect(mixed).toEqual([{ kind: 'summary', title: '3 jobs finished', body: '3 jobs finished: 1 completed, 1 failed, 1 need review.', jobIds: ['job-1', 'job-2', 'job-3'] }]);
  });

  it('20 jobs finishing within 3 s give one summary decision', () => {
    const inputs: Array<[QueueEvent, number]> = Array.from({ length: 20 }, (_, i) => [done(job(i, i < 17 ? 'completed' : 'failed', 'OCR failed')), i * 140]);
    const decisions = run(inputs, 3000, { includeChartNumbers: false });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ kind: 'summary', title: '20 jobs finished', body: '20 jobs finished: 17 completed, 3 failed.' });
    expect(decisions[0]!.jobIds).toHaveLength(20);
  });

  it('one job gives one per-job decision, only when the window closes', () => {
    let state = initialNotificationState;
    const options = { includeChartNumbers: true };
    const first = coalesceNotifications(state, { type: 'event', event: done(job(1, 'completed')), at: 10_000 }, options);
    expect(first.decisions).toEqual([]);
    expect(first.state.flushAt).toBe(13_000);
    state = first.state;
    expect(coalesceNotifications(state, { type: 'tick', at: 12_999 }, options).decisions).toEqual([]);
    const flushed = coalesceNotifications(state, { type: 'tick', at: 13_000 }, options);
    expect(flushed.decisions).toEqual([{ kind: 'completed', title: 'Job completed', body: 'Chart CHART-1001: 1 document processed.', jobIds: ['job-1'] }]);
    expect(flushed.state).toEqual(initialNotificationState);
  });

  it('leaves chart numbers out of every text when the option is off, even from server messages', () => {
    const failing = job(2, 'failed', 'Chart CHART-1002 could not be read by OCR');
    const single = run([[done(failing), 0]], 3000, { includeChartNumbers: false });
    expect(single[0]).toMatchObject({ kind: 'failed', title: 'Job failed' });
    const summary = run([[done(job(3, 'completed')), 0], [done(failing), 100]], 3000, { includeChartNumbers: false });
    for (const decision of [...single, ...summary]) {
      expect(`${decision.title} ${decision.body}`).not.toMatch(/CHART-100/);
    }
    const withCharts = run([[done(job(3, 'completed')), 0], [done(failing), 100]], 3000, { includeChartNumbers: true });
    expect(withCharts[0]!.body).toContain('CHART-1003');
    expect(withCharts[0]!.body).toContain('CHART-1002');
  });

  it('says nothing for phases, uploads, queued jobs, cancels and warnings', () => {
    const quiet: QueueEvent[] = [
      { type: 'queued', job: job(1, 'queued') },
      { type: 'uploaded', job: job(1, 'tracking') },
      { type: 'phase', job: job(1, 'tracking') },
      { type: 'done', job: job(1, 'cancelled') },
      { type: 'warning', message: 'x' },
    ];
    expect(run(quiet.map((event, i) => [event, i]), 60_000, { includeChartNumbers: true })).toEqual([]);
  });

  it('a rejected upload is told as a failure with the server message', () => {
    const rejected = job(4, 'rejected', 'Only PDF, TIFF, PNG and JPEG documents are accepted.');
    expect(run([[done(rejected), 0]], 3000, { includeChartNumbers: false })).toEqual([
      { kind: 'failed', title: 'Job failed', body: 'Only PDF, TIFF, PNG and JPEG documents are accepted.', jobIds: ['job-4'] },
    ]);
  });

  it('jobs ending in separate windows are told separately', () => {
    const decisions = run([[done(job(1, 'completed')), 0]], 3000, { includeChartNumbers: false });
    const later = run([[done(job(2, 'completed')), 5000]], 8000, { includeChartNumbers: false });
    expect([...decisions, ...later].map((d) => d.kind)).toEqual(['completed', 'completed']);
  });
});

describe('NotificationScheduler (fake clock)', () => {
  it('flushes after the 3 s window and leaves no timer behind', () => {
    const clock = new FakeClock();
    const delivered: NotificationDecision[] = [];
    const scheduler = new NotificationScheduler(clock, { includeChartNumbers: false }, (d) => delivered.push(d));
    for (let i = 0; i < 5; i += 1) {
      scheduler.handle(done(job(i, i === 4 ? 'failed' : 'completed', 'boom')));
      clock.advance(500);
    }
    expect(delivered).toEqual([]);
    clock.advance(499);
    expect(delivered).toEqual([]);
    clock.advance(1);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body).toBe('5 jobs finished: 4 completed, 1 failed.');
    expect(clock.pending).toBe(0);

    scheduler.handle(done(job(9, 'completed')));
    scheduler.dispose();
    clock.advance(10_000);
    expect(delivered).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('reads the chart-number option when it decides: turning it off inside the window keeps them out', () => {
    const clock = new FakeClock();
    const delivered: NotificationDecision[] = [];
    let includeChartNumbers = true;
    const scheduler = new NotificationScheduler(clock, () => ({ includeChartNumbers }), (d) => delivered.push(d));
    scheduler.handle(done(job(1, 'completed')));
    includeChartNumbers = false;
    clock.advance(3000);
    expect(delivered).toHaveLength(1);
    expect(`${delivered[0]!.title} ${delivered[0]!.body}`).not.toContain('CHART-1001');
  });

  it('a throwing deliver is logged and does not break the next window', () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    const delivered: NotificationDecision[] = [];
    let broken = true;
    const logger = { debug() {}, info() {}, warn() {}, error: (message: string) => void errors.push(message) };
    const scheduler = new NotificationScheduler(
      clock,
      { includeChartNumbers: false },
      (d) => {
        if (broken) throw new Error('tray gone');
        delivered.push(d);
      },
      logger,
    );
    scheduler.handle(done(job(1, 'completed')));
    expect(() => clock.advance(3000)).not.toThrow();
    expect(errors).toEqual(['delivering a notification failed']);
    broken = false;
    scheduler.handle(done(job(2, 'completed')));
    clock.advance(3000);
    expect(delivered.map((d) => d.jobIds)).toEqual([['job-2']]);
  });
});
