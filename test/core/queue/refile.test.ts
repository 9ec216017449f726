/**
 * Re-file under another chart number, against the real reference server: a job
 * not yet accepted changes its chart (new key, sent afresh); a job the server
 * holds is cancelled there and its files sent again under the new chart.
 */
import { describe, expect, it } from 'vitest';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

describe('re-file', () => {
  it('a queued job changes its chart number and key; the server only ever sees the new chart', async () => {
    const h = await makeHarness({ phaseMs: 60_000 });
    const { queue } = await h.makeQueue();
    await queue.start();
    queue.pauseAll(); // keeps it queued
    const job = await queue.enqueue({ chartNumber: 'WRONG-1', files: [await h.files.pdf('a.pdf')] });
    await expect(queue.refile(job.id, 'bad chart')).rejects.toMatchObject({ code: 'invalid_chart_number' });
    const moved = await queue.refile(job.id, 'RIGHT-1');
    expect(moved).toMatchObject({ id: job.id, chartNumber: 'RIGHT-1', stage: 'queued' });
    expect(moved.idempotencyKey).not.toBe(job.idempotencyKey);
    queue.resumeAll();
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    expect(h.server.jobs().map((j) => j.chartNumber)).toEqual(['RIGHT-1']);
  });

  it('a job the server holds: cancelled there and sent again under the new chart in one step', async () => {
    const h = await makeHarness({ phaseMs: 60_000 });
    const { queue } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'WRONG-2', files: [await h.files.pdf('b.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    const resent = await queue.refile(job.id, 'RIGHT-2');
    expect(resent.id).not.toBe(job.id);
    expect(resent.chartNumber).toBe('RIGHT-2');
    expect(resent.files.map((f) => f.path)).toEqual(job.files.map((f) => f.path));
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', cancelRequested: true }); // "Cancelling…" until the final update
    await waitFor(() => h.server.jobs().length === 2, 'sent again');
    expect(h.server.jobs().map((j) => [j.chartNumber, j.status])).toEqual([
      ['WRONG-2', 'cancelled'],
      ['RIGHT-2', expect.stringMatching(/^(queued|processing)$/)],
    ]);
    // An ended job is not re-filed (Retry is its way back).
    h.tracker.emit(queue.get(job.id)!.jobId!, { status: 'cancelled', phase: 'cancelled', seq: 1 });
    await expect(queue.refile(job.id, 'OTHER-3')).rejects.toMatchObject({ code: 'invalid_state' });
  });
});
