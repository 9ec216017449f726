/**
 * Nothing accepted is lost: the job is on disk before its first byte is sent,
 * a failed write refuses the job, a corrupt state file is set aside with a
 * warning, and a restart resumes uploads with their keys and re-tracks jobs.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import type { PersistedQueue, QueueStore } from '../../../src/core/queue/UploadQueue';
import { startResponseDropRelay } from '../upload/responseDropRelay';
import { makeHarness, onCleanup } from './queueHarness';
import { waitFor } from './waitFor';

describe('UploadQueue persistence', () => {
  it('writes the job durably BEFORE its upload starts', async () => {
    const h = await makeHarness();
    let release: () => void = () => undefined;
    const saved: PersistedQueue[] = [];
    let gate: Promise<void> | null = null;
    const gatedStore: QueueStore = {
      load: () => h.store.load(),
      async save(state) {
        if (gate !== null) await gate;
        await h.store.save(state);
        saved.push(state);
      },
    };
    const { queue } = await h.makeQueue({ store: gatedStore });
    await queue.start();
    gate = new Promise((resolve) => (release = resolve));
    const enqueued = queue.enqueue({ chartNumber: 'DUR', files: [await h.files.pdf('a.pdf')] });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a wrongly started upload would reach the server now
    expect(h.uploads()).toBe(0);
    expect(queue.snapshot()).toEqual([]);
    gate = null;
    release();
    const job = await enqueued;
    expect(saved[0]?.jobs.map((j) => [j.id, j.stage])).toEqual([[job.id, 'queued']]);
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded after the write');
  });

  it('a job that cannot be written is refused, and nothing is uploaded', async () => {
    const h = await makeHarness();
    const failingStore: QueueStore = { load: async () => null, save: async () => Promise.reject(new Error('disk full')) };
    const { queue, events } = await h.makeQueue({ store: failingStore });
    await expect(queue.enqueue({ chartNumber: 'NOPE', files: [await h.files.pdf('a.pdf')] })).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/could not be saved to disk, so nothing was queued/),
    });
    expect(queue.snapshot()).toEqual([]);
    expect(events).toEqual([{ type: 'warning', message: expect.stringMatching(/could not be saved to disk: Error: disk full/) }]);
    expect(h.uploads()).toBe(0);
  });

  it('a job refused because the disk failed once is not written by the next save, nor uploaded after a restart', async () => {
    const h = await makeHarness();
    let failNext = false;
    let saves = 0;
    const flakyStore: QueueStore = {
      load: () => h.store.load(),
      async save(state) {
        saves += 1;
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        await h.store.save(state);
      },
    };
    const first = await h.makeQueue({ store: flakyStore });
    await first.queue.start();
    first.queue.pauseAll(); // nothing uploads in this run: what matters is what is on disk
    await waitFor(() => saves > 0, 'the pause is saved'); // so the one failing write below is the job's
    failNext = true;
    await expect(first.queue.enqueue({ chartNumber: 'REFUSED', files: [await h.files.pdf('a.pdf')] })).rejects.toMatchObject({ code: 'storage' });
    const kept = await first.queue.enqueue({ chartNumber: 'KEPT', files: [await h.files.pdf('b.pdf')] });
    expect(first.queue.snapshot().map((j) => j.chartNumber)).toEqual(['KEPT']);
    // The refused job was never shown, so the window is not told to remove it either.
    expect(first.batches.flat().filter((change) => change.type === 'remove')).toEqual([]);
    expect((await h.store.load())?.jobs.map((j) => j.chartNumber)).toEqual(['KEPT']);
    await first.queue.dispose();

    // Next start: only the job the user was told about is there, and only it is sent.
    const second = await h.makeQueue({ store: createFileQueueStore(h.stateDir.path) });
    await second.queue.start();
    second.queue.resumeAll();
    await second.until(kept.id, (job) => job.stage === 'tracking', 'the kept job uploaded');
    expect(second.queue.snapshot().map((j) => j.chartNumber)).toEqual(['KEPT']);
    expect(h.uploads()).toBe(1);
  });

  it('a job still being checked when the queue shuts down is refused as closed, never saved or sent', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await queue.start();
    const pending = queue.enqueue({ chartNumber: 'LATE', files: [await h.files.pdf('late.pdf')] });
    await queue.dispose(); // while the file check runs
    await expect(pending).rejects.toMatchObject({ code: 'closed', message: 'The queue is shut down.' });
    expect((await h.store.load())?.jobs ?? []).toEqual([]);
    expect(h.uploads()).toBe(0);
  });

  it('a corrupt state file: warning event, corrupt copy kept, queue starts empty and works', async () => {
    const h = await makeHarness();
    await writeFile(join(h.stateDir.path, 'queue.json'), '{"version":1,"jobs":[{"id":"x","chartNum');
    const { queue, events } = await h.makeQueue({ store: createFileQueueStore(h.stateDir.path) });
    await queue.start();
    expect(events).toEqual([{ type: 'warning', message: expect.stringMatching(/corrupt or truncated.*moved aside/) }]);
    expect(queue.snapshot()).toEqual([]);
    expect((await readdir(h.stateDir.path)).some((name) => name.startsWith('queue.json.corrupt-'))).toBe(true);
    const job = await queue.enqueue({ chartNumber: 'AFTER', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'queue works after the warning');
  });

  it('restart: an upload cut short is sent again with the SAME key (one server job); tracked jobs are re-tracked', async () => {
    const h = await makeHarness();
    // The first answer is lost; the retry would wait a minute, so the "app" is closed before it.
    const relay = await startResponseDropRelay(h.server.url, 0);
    onCleanup(() => relay.close());
    const first = await h.makeQueue({ server: { baseUrl: relay.url }, random: () => 0.99, timings: { retryBaseMs: 60_000, saveDebounceMs: 5 } });
    const tracked = await first.queue.enqueue({ chartNumber: 'TRK', files: [await h.files.pdf('t.pdf')] });
    await waitFor(() => first.queue.get(tracked.id)?.stage === 'tracking', 'first job uploaded');
    const trackedJobId = first.queue.get(tracked.id)!.jobId!;
    h.tracker.emit(trackedJobId, { phase: 'ocr_started', seq: 2, timestamp: '2026-11-22T03:00:00.000Z' });

    relay.dropNext(1);
    const cut = await first.queue.enqueue({ chartNumber: 'CUT', files: [await h.files.pdf('c.pdf')] });
    await waitFor(() => first.queue.get(cut.id)?.nextUploadAt != null, 'answer lost, retry scheduled');
    expect(relay.dropped).toBe(1);
    expect(first.queue.get(cut.id)).toMatchObject({ stage: 'uploading', jobId: null });
    expect(h.server.stats.uploadsAccepted).toBe(1 + 1); // the server did accept it
    await first.queue.dispose();

    const saved = await h.store.load();
    expect(saved?.jobs.find((j) => j.id === cut.id)?.stage).toBe('uploading');

    h.tracker.tracked.clear();
    const second = await h.makeQueue({ server: { baseUrl: relay.url } }); // the same server as before
    await second.queue.start();
    expect(h.tracker.tracked.get(trackedJobId)).toMatchObject({ chartNumber: 'TRK', known: { phase: 'ocr_started', seq: 2 } });
    const resumed = await second.until(cut.id, (j) => j.stage === 'tracking', 'cut upload resumed');
    expect(resumed.idempotencyKey).toBe(cut.idempotencyKey);
    expect(h.server.jobs()).toHaveLength(2); // the re-sent key returned the job the server already had
    expect(h.server.jobs().map((j) => j.jobId)).toContain(resumed.jobId);
    expect(h.tracker.tracked.has(resumed.jobId!)).toBe(true);
  });
});
