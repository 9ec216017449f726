/** What a notification says, word for word: one job, a summary, chart numbers only when allowed. */
import { describe, expect, it } from 'vitest';
import { coalesceNotifications, initialNotificationState, type NotificationDecision, type NotificationOptions } from '../../../src/core/notifications/notificationPolicy';
import { NotificationScheduler } from '../../../src/core/notifications/NotificationScheduler';
import type { QueueJob, Stage } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { sampleJob } from '../../support/sampleJob';

function job(n: number, stage: Stage, extra: Partial<QueueJob> = {}): QueueJob {
  return sampleJob({ id: `job-${n}`, chartNumber: `CH-${n}`, files: [{ path: `/tmp/${n}.pdf`, name: `${n}.pdf`, size: 10, type: 'pdf' }], stage, jobId: `srv-${n}`, ...extra });
}

/** All the jobs end at once; the window then closes. */
function tell(jobs: QueueJob[], options: NotificationOptions): NotificationDecision[] {
  let state = initialNotificationState;
  for (const j of jobs) state = coalesceNotifications(state, { type: 'event', event: { type: 'done', job: j }, at: 0 }, options).state;
  return coalesceNotifications(state, { type: 'tick', at: 60_000 }, options).decisions;
}

describe('notification words', () => {
  it('one completed job: how many documents, the chart only when allowed', () => {
    const two = job(1, 'completed', { files: [...job(1, 'completed').files, ...job(1, 'completed').files] });
    expect(tell([two], { includeChartNumbers: true })).toEqual([{ kind: 'completed', title: 'Job completed', body: 'Chart CH-1: 2 documents processed.', jobIds: ['job-1'] }]);
    expect(tell([job(2, 'completed')], { includeChartNumbers: false })[0]?.body).toBe('1 document processed.');
  });

  it('one failed or rejected job: the reason, or a plain sentence when there is none', () => {
    expect(tell([job(3, 'rejected', { error: { code: 'x', message: 'Not a PDF.' } })], { includeChartNumbers: false })).toEqual([
      { kind: 'failed', title: 'Job failed', body: 'Not a PDF.', jobIds: ['job-3'] },
    ]);
    expect(tell([job(4, 'failed')], { includeChartNumbers: false })[0]?.body).toBe('The documents could not be processed.');
    // With chart numbers allowed, the server's message is shown as it is.
    expect(tell([job(5, 'failed', { error: { code: 'x', message: 'CH-5 is closed.' } })], { includeChartNumbers: true })[0]?.body).toBe('Chart CH-5: CH-5 is closed.');
    expect(tell([job(6, 'failed', { chartNumber: '', error: { code: 'x', message: 'Closed.' } })], { includeChartNumbers: false })[0]?.body).toBe('Closed.');
    // With chart numbers off, the server's quote of one is masked, not dropped silently.
    expect(tell([job(8, 'failed', { error: { code: 'x', message: 'Chart CH-8 is closed.' } })], { includeChartNumbers: false })[0]?.body).toBe('Chart [chart] is closed.');
  });

  it('a job that ends twice in one window is told once, as it ended last', () => {
    const decisions = tell([job(7, 'failed'), job(7, 'completed')], { includeChartNumbers: false });
    expect(decisions).toEqual([{ kind: 'completed', title: 'Job completed', body: '1 document processed.', jobIds: ['job-7'] }]);
  });

  it('a summary counts only what happened, and lists at most a few charts', () => {
    expect(tell([job(1, 'completed'), job(2, 'completed')], { includeChartNumbers: false })[0]).toMatchObject({ title: '2 jobs finished', body: '2 jobs finished: 2 completed.' });
    expect(tell([job(1, 'failed'), job(2, 'rejected')], { includeChartNumbers: false })[0]?.body).toBe('2 jobs finished: 2 failed.');
    const many = Array.from({ length: 7 }, (_, i) => job(i + 1, i === 0 ? 'failed' : 'completed'));
    const listed = tell(many, { includeChartNumbers: true })[0]?.body ?? '';
    expect(listed).toMatch(/^7 jobs finished: 6 completed, 1 failed\. Charts: CH-1, CH-2, CH-3(, CH-\d)* and \d more\.$/);
    const shown = listed.split('Charts: ')[1]!.split(' and ')[0]!.split(', ').length;
    const more = Number(/and (\d) more/.exec(listed)![1]);
    expect(shown + more).toBe(7);
    const few = tell(many.slice(0, shown), { includeChartNumbers: true })[0]?.body ?? '';
    expect(few).not.toContain('more');
    expect(few.endsWith(`Charts: ${many.slice(0, shown).map((j) => j.chartNumber).join(', ')}.`)).toBe(true);
  });
});

describe('NotificationScheduler', () => {
  it('reads options given as a function, and logs a failed delivery with its kind and error', () => {
    const clock = new FakeClock();
    const logged: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (message: string, fields?: Record<string, unknown>) => void logged.push([message, fields]) };
    const delivered: NotificationDecision[] = [];
    const scheduler = new NotificationScheduler(clock, () => ({ includeChartNumbers: true }), (d) => delivered.push(d), logger);
    scheduler.handle({ type: 'done', job: job(9, 'completed') });
    clock.advance(60_000);
    expect(delivered.map((d) => d.body)).toEqual(['Chart CH-9: 1 document processed.']);
    const failing = new NotificationScheduler(clock, { includeChartNumbers: false }, () => { throw new Error('no notification centre'); }, logger);
    failing.handle({ type: 'done', job: job(10, 'completed') });
    clock.advance(60_000);
    expect(logged).toEqual([['delivering a notification failed', { kind: 'completed', error: 'Error: no notification centre' }]]);
    scheduler.dispose();
    failing.dispose();
  });
});
