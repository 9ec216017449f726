/**
 * Seed 004 batches at admission: the charts accepted together from one drop
 * or jobs file share one batch id; a job accepted alone has none (a backend
 * that knows batches would otherwise show a batch of one). Real queue, real
 * files, real reference server.
 */
import { describe, expect, it } from 'vitest';
import { makeHarness } from './queueHarness';

describe('admission batches', () => {
  it('jobs accepted together share a batch id; a job accepted alone, or alone among refusals, has none', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await queue.start();
    queue.pauseAll(); // admission only
    const a = await h.files.pdf('a.pdf');
    const b = await h.files.pdf('b.pdf');

    const together = await queue.enqueueMany([
      { chartNumber: 'CH-1', files: [a] },
      { chartNumber: 'CH-2', files: [b] },
    ]);
    const ids = together.map((r) => (r.ok ? r.job.batchId : 'refused'));
    expect(ids[0]).toEqual(expect.any(String));
    expect(ids[1]).toBe(ids[0]);

    const other = await queue.enqueueMany([
      { chartNumber: 'CH-3', files: [a] },
      { chartNumber: 'CH-4', files: [b] },
    ]);
    expect(other[0]?.ok && other[0].job.batchId).not.toBe(ids[0]); // each drop its own batch

    const withRefusal = await queue.enqueueMany([
      { chartNumber: 'CH-5', files: [a] },
      { chartNumber: 'bad chart!', files: [b] },
    ]);
    expect(withRefusal.map((r) => r.ok)).toEqual([true, false]);
    expect(withRefusal[0]?.ok && withRefusal[0].job.batchId).toBeUndefined();

    const alone = await queue.enqueue({ chartNumber: 'CH-6', files: [a] });
    expect(alone.batchId).toBeUndefined();
  });
});
