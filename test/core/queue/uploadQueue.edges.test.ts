/**
 * The queue's edges, against the real reference server: what a user sees when
 * a control is used at the wrong moment (before start, after close, twice),
 * the exact refusals, how a pause counts tries, credentials that did not
 * change, a disk that refuses writes, and the rename of a job that gave up.
 */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { QueueInputError, UploadQueue, type QueueStore } from '../../../src/core/queue/UploadQueue';
import { SOCKETIO_EVENTS } from '../../../src/shared/dialect';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200)); // time for a wrongly started upload to show

describe('UploadQueue edges', () => {
  it('refuses bad counts and arguments with a message naming the setting; accepts the bounds', async () => {
    const h = await makeHarness();
    expect(() => new UploadQueue({ server: { baseUrl: h.server.url }, store: h.store, tracker: h.tracker, concurrency: 0 })).toThrow(
      'concurrency must be a whole number from 1 to 100000 (got 0).',
    );
    expect(() => new UploadQueue({ server: { baseUrl: h.server.url }, store: h.store, tracker: h.tracker, historySize: -1 })).toThrow(
      'historySize must be a whole number from 0 to 100000 (got -1).',
    );
    const { queue } = await h.makeQueue();
    expect(queue.paused).toBe(false); // the pause button reads this before anything loaded
    await queue.start();
    expect(() => queue.setConcurrency(1)).not.toThrow();
    expect(() => queue.setConcurrency(100_000)).not.toThrow();
    expect(() => queue.setConcurrency(100_001)).toThrow(QueueInputError);
    expect(() => queue.setHistorySize(0)).not.toThrow();
    await expect(queue.inspect([await h.files.pdf('a.pdf'), ''])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(queue.inspect([42 as unknown as string])).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(() => queue.setServer({ baseUrl: 'not a url' })).toThrow(QueueInputError);
    expect(() => queue.setServer(undefined as never)).toThrow(QueueInputError);
    const refused = await queue.enqueue({ chartNumber: 'bad chart', files: [await h.files.pdf('b.pdf')] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QueueInputError);
    expect(refused).toMatchObject({ name: 'QueueInputError', code: 'invalid_chart_number', rejected: [] });
  });

  it('cancel twice, retry of a waiting job, clear finished: specific refusals, and only finished jobs go', async () => {
    const h = await makeHarness();
    const { queue, events } = await h.makeQueue();
    await queue.start();
    queue.pauseAll();
    const gone = await queue.enqueue({ chartNumber: 'X1', files: [await h.files.pdf('a.pdf')] });
    const waiting = await queue.enqueue({ chartNumber: 'X2', files: [await h.files.pdf('b.pdf')] });
    await queue.cancel(gone.id);
    expect(() => queue.cancel(gone.id)).toThrow('This job has already ended (cancelled).');
    expect(() => queue.retry(waiting.id)).toThrow('Only a failed, rejected or cancelled job can be retried (this one is queued).');

    queue.retry(gone.id);
    expect(events.at(-1)).toMatchObject({ type: 'queued', job: { id: gone.id, stage: 'queued' } });
    await queue.cancel(gone.id);
    expect(queue.clearFinished()).toBe(1);
    expect(queue.snapshot().map((j) => j.id)).toEqual([waiting.id]);
  });

  it('an accepted job is on disk when enqueue returns, before any debounced save', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue({ timings: { saveDebounceMs: 60_000 } });
    await queue.start();
    queue.pauseAll();
    const job = await queue.enqueue({ chartNumber: 'D1', files: [await h.files.pdf('a.pdf')] });
    const onDisk = await createFileQueueStore(h.stateDir.path).load();
    expect(onDisk?.jobs.map((j) => j.id)).toEqual([job.id]);
  });

  it('a disk that refuses writes is reported as a warning; a failed load can be retried', async () => {
    const h = await makeHarness();
    let loads = 0;
    const store: QueueStore = {
      load: async () => {
        loads += 1;
        if (loads === 1) throw new Error('disk not ready');
        return null;
      },
      save: () => Promise.reject(new Error('disk full')),
    };
    const { queue, events } = await h.makeQueue({ store });
    await expect(queue.start()).rejects.toThrow('disk not ready');
    await queue.start();
    queue.pauseAll(); // a debounced save
    await waitFor(() => events.some((e) => e.type === 'warning'), 'warning');
    expect(events).toContainEqual({ type: 'warning', message: 'The queue could not be saved to disk: Error: disk full' });
  });

  it('after dispose nothing uploads and nothing is accepted; a queue never started closes cleanly', async () => {
    const h = await makeHarness();
    const idle = new UploadQueue({ server: { baseUrl: h.server.url }, store: h.store, tracker: h.tracker });
    await expect(idle.dispose()).resolves.toBeUndefined();

    const { queue } = await h.makeQueue();
    await queue.start();
    queue.pauseAll();
    await queue.enqueue({ chartNumber: 'Z1', files: [await h.files.pdf('a.pdf')] });
    await queue.dispose();
    queue.resumeAll();
    queue.setConcurrency(3);
    await settle();
    expect(h.uploads()).toBe(0);
    await expect(queue.enqueue({ chartNumber: 'Z2', files: [await h.files.pdf('b.pdf')] })).rejects.toMatchObject({
      code: 'closed',
      message: 'The queue is shut down.',
    });
  });

  it('resumeAll before start beats a saved pause; a completed job is not followed again on the next start', async () => {
    const h = await makeHarness({ phaseMs: 60_000 });
    const first = await h.makeQueue();
    await first.queue.start();
    const done = await first.queue.enqueue({ chartNumber: 'R1', files: [await h.files.pdf('a.pdf')] });
    const jobId = (await first.until(done.id, (j) => j.stage === 'tracking', 'uploaded')).jobId!;
    h.tracker.emit(jobId, { status: 'completed', phase: 'completed', seq: 5 });
    await first.until(done.id, (j) => j.stage === 'completed', 'completed');
    first.queue.pauseAll();
    const held = await first.queue.enqueue({ chartNumber: 'R2', files: [await h.files.pdf('b.pdf')] });
    await first.queue.dispose();

    const callsBefore = h.tracker.calls.length;
    const second = await h.makeQueue();
    second.queue.resumeAll();
    await second.queue.start();
    expect(second.queue.paused).toBe(false);
    await second.until(held.id, (j) => j.stage === 'tracking', 'uploaded after the early resume');
    expect(h.tracker.calls.slice(callsBefore)).toEqual([`track:${second.queue.get(held.id)!.jobId!}`]);
  });

  it('a pause does not forgive a failed try: stopped while waiting to retry, or on its second try', async () => {
    const h = await makeHarness();
    h.server.injectUploadFaults({ kind: 'status', status: 500 });
    const waiting = await h.makeQueue({ random: () => 1, timings: { retryBaseMs: 60_000, saveDebounceMs: 5 } });
    const a = await waiting.queue.enqueue({ chartNumber: 'W1', files: [await h.files.pdf('a.pdf')] });
    await waiting.until(a.id, (j) => j.nextUploadAt !== null, 'waiting to retry');
    waiting.queue.pauseAll();
    expect(waiting.queue.get(a.id)).toMatchObject({ stage: 'queued', uploadAttempts: 1 });
    await waiting.queue.dispose();

    const h2 = await makeHarness();
    h2.server.injectUploadFaults({ kind: 'status', status: 500 }, { kind: 'stall' });
    const second = await h2.makeQueue({ timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    const b = await second.queue.enqueue({ chartNumber: 'W2', files: [await h2.files.pdf('b.pdf', { bytes: 300_000 })] });
    await waitFor(() => h2.uploads() === 2, 'second try reached the server');
    second.queue.pauseAll();
    expect(second.queue.get(b.id)).toMatchObject({ stage: 'queued', uploadAttempts: 1 });
  });

  it('the same credentials again keep uploads held; a new token does not restart a running upload', async () => {
    const h = await makeHarness({ token: 'right-token' });
    const { queue, events } = await h.makeQueue({ server: { baseUrl: h.server.url, token: 'wrong-token' } });
    const job = await queue.enqueue({ chartNumber: 'T1', files: [await h.files.pdf('a.pdf')] });
    const refused = await waitFor(() => queue.get(job.id)?.error?.code === 'auth', 'auth error').then(() => queue.get(job.id)!);
    expect(events.filter((e) => e.type === 'warning')).toEqual([{ type: 'warning', message: refused.error!.message }]);
    queue.setServer({ baseUrl: h.server.url, token: 'wrong-token' });
    await settle();
    expect(h.uploads()).toBe(1);

    queue.pauseAll();
    queue.setServer({ baseUrl: h.server.url, token: 'right-token' });
    expect(queue.get(job.id)).toMatchObject({ stage: 'queued', error: null }); // the stale "refused" goes at once

    h.server.injectUploadFaults({ kind: 'stall' });
    queue.resumeAll();
    await waitFor(() => h.uploads() === 2, 'stalled upload with the right token');
    queue.setServer({ baseUrl: h.server.url, token: 'right-token-2' });
    await settle();
    expect(h.uploads()).toBe(2);
    expect(queue.get(job.id)?.stage).toBe('uploading');
  });

  it('an upload waiting to retry, renamed, is sent afresh at once under the new chart; a rejected one ends with "done", not "uploaded"', async () => {
    const h = await makeHarness({ phaseMs: 60_000 });
    h.server.injectUploadFaults({ kind: 'status', status: 500 });
    const { queue, events } = await h.makeQueue({ random: () => 1, timings: { retryBaseMs: 60_000, saveDebounceMs: 5 } });
    const job = await queue.enqueue({ chartNumber: 'OLD-1', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.nextUploadAt != null, 'waiting a minute to retry');
    const renamed = await queue.refile(job.id, 'NEW-1');
    expect(renamed).toMatchObject({ stage: 'queued', error: null, uploadAttempts: 0, chartNumber: 'NEW-1' });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'sent under the new chart');
    expect(h.server.jobs().map((j) => j.chartNumber)).toEqual(['NEW-1']);

    queue.pauseAll();
    const path = await h.files.pdf('b.pdf', { bytes: 500 });
    const bad = await queue.enqueue({ chartNumber: 'REJ-1', files: [path] });
    await writeFile(path, Buffer.alloc(500, 0x20)); // same size, no longer a PDF: the server answers 415
    queue.resumeAll();
    await waitFor(() => queue.get(bad.id)?.stage === 'rejected', 'rejected');
    expect(events.filter((e) => 'job' in e && e.job.id === bad.id).map((e) => e.type)).toEqual(['queued', 'done']);
  });

  it('progress counts the whole job', async () => {
    const h = await makeHarness();
    const { queue, seen } = await h.makeQueue({ timings: { progressIntervalMs: 1, saveDebounceMs: 5 } });
    const files = [await h.files.pdf('a.pdf', { bytes: 3_000_000 }), await h.files.pdf('b.pdf', { bytes: 1_000 })];
    const job = await queue.enqueue({ chartNumber: 'P1', files });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    const total = job.files.reduce((sum, file) => sum + file.size, 0);
    const progress = seen.filter((j) => j.id === job.id && j.upload !== null).map((j) => j.upload!);
    expect(progress[0]).toEqual({ sentBytes: 0, totalBytes: total, bytesPerSecond: 0, etaSeconds: null }); // before the first byte
    expect(progress.some((p) => p.sentBytes > 0)).toBe(true);
  });
});

describe('UploadQueue refusals after start', () => {
  it('names the setting, the URL and the job in its refusals; the default limits refuse a job of 101 documents', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await queue.start();
    expect(() => queue.setConcurrency(0)).toThrow('concurrency must be a whole number from 1 to 100000 (got 0).');
    expect(() => queue.setHistorySize(-1)).toThrow('historySize must be a whole number from 0 to 100000 (got -1).');
    expect(() => queue.setServer({ baseUrl: 'not a url' })).toThrow('Server URL is not a valid URL.');
    expect(() => queue.remove('no-such-job')).toThrow('No such job in the queue (it may have been removed).');
    const paths: string[] = [];
    for (let i = 0; i < 101; i += 1) paths.push(await h.files.pdf(`${i}.pdf`, { bytes: 200 }));
    await expect(queue.enqueue({ chartNumber: 'MANY', files: paths })).rejects.toMatchObject({
      rejected: [expect.objectContaining({ reason: expect.stringMatching(/at most 100 documents/) })],
    });
    expect(queue.snapshot()).toEqual([]);
  });
});

describe('UploadQueue with a socket.io backend', () => {
  it('a drop of two is sent as one batch, also after the same backend is set again', async () => {
    const h = await makeHarness({ dialect: 'socketio-events', phaseMs: 60_000 });
    const { queue } = await h.makeQueue({ server: { baseUrl: h.server.url, dialect: SOCKETIO_EVENTS } });
    await queue.start();
    queue.pauseAll();
    const results = await queue.enqueueMany([
      { chartNumber: 'B1', files: [await h.files.pdf('a.pdf')] },
      { chartNumber: 'B2', files: [await h.files.pdf('b.pdf')] },
    ]);
    const jobs = results.map((result) => (result.ok ? result.job : expect.fail('refused')));
    queue.setServer({ baseUrl: h.server.url, dialect: SOCKETIO_EVENTS });
    queue.resumeAll();
    await waitFor(() => jobs.every((job) => queue.get(job.id)?.stage === 'tracking'), 'both uploaded');
    expect(jobs[0]!.batchId).toEqual(expect.any(String));
    expect(h.server.jobs().map((j) => j.batchId)).toEqual([jobs[0]!.batchId, jobs[0]!.batchId]);
  });
});
