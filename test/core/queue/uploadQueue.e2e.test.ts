/**
 * The whole core end to end: UploadQueue + the real ConnectionManager + the
 * real reference server. Jobs are uploaded, followed through every phase over
 * the WebSocket, told by the notification policy, and survive a restart of
 * the app (queue and connection manager closed and built again).
 */
import { describe, expect, it } from 'vitest';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import { NotificationScheduler } from '../../../src/core/notifications/NotificationScheduler';
import type { NotificationDecision } from '../../../src/core/notifications/notificationPolicy';
import { PIPELINE_PHASES, phaseRank } from '../../../src/shared/phases';
import { FakeClock } from '../../support/fakeClock';
import { makeHarness, onCleanup, type Harness } from './queueHarness';
import { waitFor } from './waitFor';

function connectionFor(h: Harness): ConnectionManager {
  const connection = new ConnectionManager({ baseUrl: h.server.url });
  connection.start();
  onCleanup(() => connection.dispose());
  return connection;
}

describe('UploadQueue + ConnectionManager + reference server', () => {
  it('three jobs: uploaded, every phase in order, completed, one summary notification, results available', async () => {
    const h = await makeHarness({ phaseMs: 40 });
    const connection = connectionFor(h);
    const { queue, events } = await h.makeQueue({ tracker: connection });
    const decisions: NotificationDecision[] = [];
    // The notifier on a clock of its own: its 3 s window closes when the test says, not 3 s of real time later.
    const notifierClock = new FakeClock();
    const notifier = new NotificationScheduler(notifierClock, { includeChartNumbers: false }, (d) => decisions.push(d));
    onCleanup(async () => notifier.dispose());
    queue.onEvent((event) => notifier.handle(event));
    await queue.start();

    const jobs = await Promise.all(
      ['E2E-1', 'E2E-2', 'E2E-3'].map(async (chart, i) => queue.enqueue({ chartNumber: chart, files: [await h.files.pdf(`${i}.pdf`, { pages: i + 1 })] })),
    );
    await waitFor(() => jobs.every((j) => queue.get(j.id)?.stage === 'completed'), 'all three completed');
    for (const job of jobs) {
      const phases = events.filter((e) => e.type === 'phase' && e.job.id === job.id).map((e) => (e as { job: { server: { phase: string } } }).job.server.phase);
      expect(phases.at(-1)).toBe('completed');
      const ranks = phases.map(phaseRank);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b)); // never backwards
      expect(new Set(phases).size).toBe(phases.length);
      expect(Object.keys(queue.get(job.id)!.server!.phaseSeenAt).length).toBeGreaterThanOrEqual(PIPELINE_PHASES.length - 2);
    }
    notifierClock.advance(2999);
    expect(decisions).toEqual([]);
    notifierClock.advance(1);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ kind: 'summary', body: '3 jobs finished: 3 completed.' });
    expect(new Set(decisions[0]!.jobIds)).toEqual(new Set(jobs.map((j) => j.id)));

    // The results of this job only (the server keys them by jobId), with what the server computed.
    const results = (await queue.getResults(jobs[1]!.id)) as { documents: Array<{ name: string; type: string; pages: number | null }> };
    expect(results.documents).toEqual([expect.objectContaining({ name: '1.pdf', type: 'pdf', pages: 2 })]);
    await expect(queue.getResults(jobs[0]!.id)).resolves.toMatchObject({ documents: [{ pages: 1 }] });
  });

  it('a server-side failure that retries stays tracking, then completes; one that runs out of attempts fails', async () => {
    const h = await makeHarness({ phaseMs: 30, maxAttempts: 2, failPlan: ({ chartNumber }) => (chartNumber === 'FAILS' ? 2 : chartNumber === 'RETRIES' ? 1 : 0) });
    const connection = connectionFor(h);
    const { queue, seen } = await h.makeQueue({ tracker: connection });
    const retries = await queue.enqueue({ chartNumber: 'RETRIES', files: [await h.files.pdf('a.pdf')] });
    const fails = await queue.enqueue({ chartNumber: 'FAILS', files: [await h.files.pdf('b.pdf')] });
    await waitFor(() => queue.get(retries.id)?.stage === 'completed' && queue.get(fails.id)?.stage === 'failed', 'both ended');
    expect(seen.some((j) => j.id === retries.id && j.stage === 'tracking' && j.server?.status === 'failed' && j.server.willRetry)).toBe(true);
    expect(queue.get(fails.id)).toMatchObject({ stage: 'failed', error: { code: 'server_failed' }, server: { willRetry: false } });
  });

  it('restart mid-pipeline: a new queue and connection re-track the job and see it complete', async () => {
    const h = await makeHarness({ phaseMs: 150 });
    const firstConnection = new ConnectionManager({ baseUrl: h.server.url });
    firstConnection.start();
    const first = await h.makeQueue({ tracker: firstConnection });
    const job = await first.queue.enqueue({ chartNumber: 'RESTART', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => (first.queue.get(job.id)?.server?.phase ?? 'queued') === 'ocr_started', 'job in the pipeline');
    await first.queue.dispose();
    await firstConnection.dispose();

    const connection = connectionFor(h);
    const second = await h.makeQueue({ tracker: connection });
    await second.queue.start();
    expect(second.queue.get(job.id)?.stage).toBe('tracking');
    await second.until(job.id, (j) => j.stage === 'completed', 'completed after restart');
    expect(h.server.jobs()).toHaveLength(1);
  });
});
