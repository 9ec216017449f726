/**
 * enqueueMany and bursts of enqueue(): every input judged on its own with the
 * same specific error as enqueue(), the accepted jobs on disk (one write for
 * a batch) before any upload starts, and the work linear in the number of
 * jobs (counted in saves and job records written, never in wall time).
 */
import { describe, expect, it } from 'vitest';
import type { EnqueueResult, PersistedQueue, QueueStore } from '../../../src/core/queue/UploadQueue';
import { QueueInputError } from '../../../src/core/queue/UploadQueue';
import { FakeClock } from '../../support/fakeClock';
import { makeHarness, type Harness } from './queueHarness';
import { waitFor } from './waitFor';

/** Wraps the harness's file store and counts what each save held. */
function countingStore(h: Harness): QueueStore & { jobsPerSave: number[] } {
  const jobsPerSave: number[] = [];
  return {
    jobsPerSave,
    load: () => h.store.load(),
    async save(state) {
      await h.store.save(state);
      jobsPerSave.push(state.jobs.length);
    },
  };
}

function refusalOf(result: EnqueueResult | undefined): QueueInputError {
  if (result === undefined || result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('UploadQueue.enqueueMany', () => {
  it('refuses each bad input alone, with the same error enqueue() gives, and writes the accepted ones once', async () => {
    const h = await makeHarness();
    const store = countingStore(h);
    const { queue, events } = await h.makeQueue({ store });
    await queue.start();
    queue.pauseAll(); // this test is about admission, not uploads
    await waitFor(() => store.jobsPerSave.length > 0, 'the pause is saved'); // so the count below is the batch's alone
    const good = await h.files.pdf('good.pdf');
    const empty = await h.files.file('empty.pdf', '');
    const inputs = [
      { chartNumber: 'OK-1', files: [good] },
      { chartNumber: 'bad chart!', files: [good] },
      { chartNumber: 'MISSING', files: [`${h.files.path}/nope.pdf`] },
      { chartNumber: 'NOFILES', files: [] },
      'not an object' as unknown as { chartNumber: string; files: string[] },
      { chartNumber: 'EMPTY', files: [empty] },
      { chartNumber: 'OK-2', files: [good] },
    ];
    const savesBefore = store.jobsPerSave.length;

    const results = await queue.enqueueMany(inputs);

    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'invalid_chart_number',
      'invalid_files',
      'no_files',
      'invalid_chart_number',
      'invalid_files',
      'ok',
    ]);
    // The very same refusal, message and rejected files included, as a single enqueue of that input.
    for (const index of [1, 2, 3, 4, 5]) {
      const alone = await queue.enqueue(inputs[index]!).then(
        () => null,
        (error: unknown) => error,
      );
      expect(alone).toBeInstanceOf(QueueInputError);
      const single = alone as QueueInputError;
      const batched = refusalOf(results[index]);
      expect({ code: batched.code, message: batched.message, rejected: batched.rejected }).toEqual({
        code: single.code,
        message: single.message,
        rejected: single.rejected,
      });
    }
    expect(refusalOf(results[2]).rejected).toEqual([expect.objectContaining({ name: 'nope.pdf', reason: expect.stringMatching(/not found/i) })]);

    const accepted = results.flatMap((r) => (r.ok ? [r.job] : []));
    expect(accepted.map((j) => j.chartNumber)).toEqual(['OK-1', 'OK-2']);
    expect(store.jobsPerSave.length - savesBefore).toBe(1); // one write for the batch (the refused singles write nothing)
    expect((await h.store.load())?.jobs.map((j) => j.chartNumber)).toEqual(['OK-1', 'OK-2']);
    expect(queue.snapshot().map((j) => j.chartNumber)).toEqual(['OK-2', 'OK-1']);
    expect(events.filter((e) => e.type === 'queued').map((e) => (e.type === 'queued' ? e.job.chartNumber : ''))).toEqual(['OK-1', 'OK-2']);
  });

  it('a batch is on disk BEFORE any of its uploads starts', async () => {
    const h = await makeHarness();
    const order: string[] = [];
    let release: () => void = () => undefined;
    let gate: Promise<void> | null = null;
    const saved: PersistedQueue[] = [];
    let heldSaves = 0;
    const gatedStore: QueueStore = {
      load: () => h.store.load(),
      async save(state) {
        if (gate !== null) {
          heldSaves += 1;
          await gate;
        }
        await h.store.save(state);
        saved.push(state);
        order.push(`saved ${state.jobs.length}`);
      },
    };
    const { queue } = await h.makeQueue({ store: gatedStore, concurrency: 3 });
    queue.onChange((changes) => {
      for (const change of changes) {
        const entry = change.type === 'upsert' && change.job.stage === 'uploading' ? `upload ${change.job.chartNumber}` : null;
        if (entry !== null && !order.includes(entry)) order.push(entry);
      }
    });
    await queue.start();
    gate = new Promise((resolve) => (release = resolve));
    const files = await Promise.all(['a', 'b', 'c'].map((name) => h.files.pdf(`${name}.pdf`)));
    const enqueued = queue.enqueueMany(files.map((file, i) => ({ chartNumber: `B-${i}`, files: [file] })));

    await waitFor(() => heldSaves === 1, 'batch validated, its write held');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a wrongly started upload would reach the server now
    expect(h.uploads()).toBe(0);
    expect(queue.snapshot()).toEqual([]);
    gate = null;
    release();
    const results = await enqueued;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(saved[0]?.jobs.map((j) => [j.chartNumber, j.stage])).toEqual([
      ['B-0', 'queued'],
      ['B-1', 'queued'],
      ['B-2', 'queued'],
    ]);
    await waitFor(() => queue.snapshot().every((j) => j.stage === 'tracking'), 'all three uploaded after the write');
    expect(order[0]).toBe('saved 3');
    expect(order.filter((entry) => entry.startsWith('upload')).sort()).toEqual(['upload B-0', 'upload B-1', 'upload B-2']);
  });

  it('a batch that cannot be written: every accepted input is refused as storage, the others keep their own reason, nothing is uploaded', async () => {
    const h = await makeHarness();
    const failingStore: QueueStore = { load: async () => null, save: async () => Promise.reject(new Error('disk full')) };
    const { queue, events } = await h.makeQueue({ store: failingStore });
    const good = await h.files.pdf('good.pdf');
    const results = await queue.enqueueMany([
      { chartNumber: 'A', files: [good] },
      { chartNumber: '', files: [good] },
      { chartNumber: 'B', files: [good] },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['storage', 'invalid_chart_number', 'storage']);
    expect(refusalOf(results[0]).message).toMatch(/could not be saved to disk, so nothing was queued \(Error: disk full\)/);
    expect(queue.snapshot()).toEqual([]);
    expect(events).toEqual([{ type: 'warning', message: expect.stringMatching(/could not be saved to disk: Error: disk full/) }]);
    expect(h.uploads()).toBe(0);
  });

  it('refuses a batch that is not a list, and a batch after close, with specific errors', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await expect(queue.enqueueMany('nope' as unknown as [])).rejects.toMatchObject({ code: 'invalid_argument', message: 'Jobs must be given as a list.' });
    expect(await queue.enqueueMany([])).toEqual([]);
    const sparse = new Array<{ chartNumber: string; files: string[] }>(2);
    expect((await queue.enqueueMany(sparse)).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['invalid_chart_number', 'invalid_chart_number']);
    await queue.dispose();
    await expect(queue.enqueueMany([{ chartNumber: 'A', files: [await h.files.pdf('a.pdf')] }])).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('UploadQueue at 10,000 jobs', () => {
  const JOBS = 10_000;

  it('one enqueueMany of 10,000 jobs: one save, every job in it, all queued', { timeout: 180_000 }, async () => {
    const h = await makeHarness();
    const store = countingStore(h);
    const { queue, batches } = await h.makeQueue({ store });
    await queue.start();
    queue.pauseAll();
    await waitFor(() => store.jobsPerSave.length > 0, 'the pause is saved'); // so the count below is the batch's alone
    const savesBefore = store.jobsPerSave.length;
    const file = await h.files.pdf('one.pdf');

    const results = await queue.enqueueMany(Array.from({ length: JOBS }, (_, i) => ({ chartNumber: `N-${i}`, files: [file] })));

    expect(results.filter((r) => r.ok)).toHaveLength(JOBS);
    expect(store.jobsPerSave.slice(savesBefore)).toEqual([JOBS]);
    expect(queue.snapshot()).toHaveLength(JOBS);
    await waitFor(() => batches.flat().length >= JOBS, 'every job reached the change stream');
    expect(new Set(batches.flat().map((c) => (c.type === 'upsert' ? c.job.id : c.id))).size).toBe(JOBS);
    const onDisk = await h.store.load();
    expect(onDisk?.jobs).toHaveLength(JOBS);
    expect(onDisk?.jobs[JOBS - 1]?.chartNumber).toBe(`N-${JOBS - 1}`);
  });

  it('a burst of 10,000 single enqueue() calls: writes grow geometrically, job records written stay under 3 × 10,000', { timeout: 180_000 }, async () => {
    const h = await makeHarness();
    const store = countingStore(h);
    // A clock that never moves: only the size rule decides when a group is written, so the count is exact.
    const { queue } = await h.makeQueue({ store, clock: new FakeClock() });
    await queue.start();
    queue.pauseAll();
    const file = await h.files.pdf('one.pdf');
    const savesBefore = store.jobsPerSave.length;

    const jobs = await Promise.all(Array.from({ length: JOBS }, (_, i) => queue.enqueue({ chartNumber: `S-${i}`, files: [file] })));

    expect(new Set(jobs.map((j) => j.id)).size).toBe(JOBS);
    const writes = store.jobsPerSave.slice(savesBefore);
    expect(writes.at(-1)).toBe(JOBS);
    const written = writes.reduce((sum, n) => sum + n, 0);
    expect(written).toBeLessThan(3 * JOBS); // one write per job would be ~50,000,000 records
    expect(writes.length).toBeLessThanOrEqual(20);
    for (let i = 1; i < writes.length; i += 1) expect(writes[i]!).toBeGreaterThanOrEqual(writes[i - 1]!);
  });
});
