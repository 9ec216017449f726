/**
 * The user's controls over the queue, against the real reference server:
 * bounded and live-settable concurrency, pause/resume, cancel, retry (and
 * which Idempotency-Key it uses), remove, clear finished, history cap, auth.
 */
import { rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { QueueInputError } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makePdf } from '../../support/files';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

const uploadingNow = (jobs: QueueJob[]): number => jobs.filter((j) => j.stage === 'uploading').length;

describe('UploadQueue controls', () => {
  it('never runs more uploads than the concurrency; setConcurrency applies live; cancel aborts a running upload', async () => {
    const h = await makeHarness();
    // The first two requests stall forever (until cancelled): they hold both slots.
    h.server.injectUploadFaults({ kind: 'stall' }, { kind: 'stall' });
    const { queue, batches } = await h.makeQueue({ timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    await queue.start();
    const jobs: QueueJob[] = [];
    for (let i = 0; i < 5; i += 1) jobs.push(await queue.enqueue({ chartNumber: `C${i}`, files: [await h.files.pdf(`${i}.pdf`, { bytes: 300_000 })] }));

    await waitFor(() => h.uploads() === 2, 'two stalled uploads reached the server');
    expect(uploadingNow(queue.snapshot())).toBe(2);
    expect(queue.snapshot().filter((j) => j.stage === 'queued')).toHaveLength(3);

    queue.setConcurrency(3); // one more slot: the third job starts and finishes; then the fourth, the fifth
    await waitFor(() => queue.snapshot().filter((j) => j.stage === 'tracking').length === 3, 'three uploads through the third slot');
    expect(uploadingNow(queue.snapshot())).toBe(2);

    const stalled = queue.snapshot().filter((j) => j.stage === 'uploading');
    for (const job of stalled) queue.cancel(job.id);
    expect(stalled.map((j) => queue.get(j.id)?.stage)).toEqual(['cancelled', 'cancelled']);
    expect(h.server.jobs()).toHaveLength(3);

    // Replay every batch: at no point were more than 3 (after the change, 2 before) uploading.
    const latest = new Map<string, QueueJob>();
    let peak = 0;
    for (const batch of batches) {
      for (const change of batch) if (change.type === 'upsert') latest.set(change.job.id, change.job);
      peak = Math.max(peak, uploadingNow([...latest.values()]));
    }
    expect(peak).toBe(3);
    expect(() => queue.setConcurrency(0)).toThrow(QueueInputError);
  });

  it('pauseAll stops running uploads (re-queued, same key) and starts nothing; resumeAll carries on', async () => {
    const h = await makeHarness();
    h.server.injectUploadFaults({ kind: 'stall' });
    const { queue } = await h.makeQueue({ timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    const first = await queue.enqueue({ chartNumber: 'P1', files: [await h.files.pdf('a.pdf', { bytes: 300_000 })] });
    await waitFor(() => h.uploads() === 1, 'stalled upload reached the server');
    queue.pauseAll();
    expect(queue.paused).toBe(true);
    expect(queue.get(first.id)).toMatchObject({ stage: 'queued', upload: null, uploadAttempts: 0 }); // a paused try is not a failed one
    const second = await queue.enqueue({ chartNumber: 'P2', files: [await h.files.pdf('b.pdf')] });
    await new Promise((resolve) => setTimeout(resolve, 200)); // give a wrongly started upload time to show up
    expect(h.uploads()).toBe(1);
    expect(queue.get(second.id)?.stage).toBe('queued');

    queue.resumeAll();
    await waitFor(() => queue.snapshot().every((j) => j.stage === 'tracking'), 'both uploaded after resume');
    expect(queue.get(first.id)).toMatchObject({ idempotencyKey: first.idempotencyKey, uploadAttempts: 1 });
    expect(h.server.jobs()).toHaveLength(2);
  });

  it('retry of a rejected job uses a NEW key; retry of an upload that gave up keeps the key', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue({ timings: { maxUploadAttempts: 2, saveDebounceMs: 5 } });
    queue.pauseAll();
    const path = await h.files.pdf('a.pdf', { bytes: 500 });
    const rejected = await queue.enqueue({ chartNumber: 'RJ', files: [path] });
    await writeFile(path, Buffer.alloc(500, 0x20)); // same size, no longer a PDF: the server answers 415
    queue.resumeAll();
    const refused = await waitFor(() => queue.get(rejected.id)?.stage === 'rejected', 'rejected').then(() => queue.get(rejected.id)!);
    expect(refused.error?.code).toBe('unsupported_media_type');

    await writeFile(path, makePdf(1, 500).subarray(0, 500));
    queue.retry(rejected.id);
    const again = await waitFor(() => queue.get(rejected.id)?.stage === 'tracking', 'retried upload').then(() => queue.get(rejected.id)!);
    expect(again.idempotencyKey).not.toBe(rejected.idempotencyKey);

    h.server.injectUploadFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const gaveUp = await queue.enqueue({ chartNumber: 'GU', files: [await h.files.pdf('b.pdf')] });
    await waitFor(() => queue.get(gaveUp.id)?.stage === 'failed', 'upload gave up');
    expect(queue.get(gaveUp.id)?.error?.message).toMatch(/HTTP 503.*Gave up after 2 tries/);
    queue.retry(gaveUp.id);
    await waitFor(() => queue.get(gaveUp.id)?.stage === 'tracking', 'retried upload');
    expect(queue.get(gaveUp.id)?.idempotencyKey).toBe(gaveUp.idempotencyKey);
    expect(() => queue.retry(gaveUp.id)).toThrow(/Only a failed, rejected or cancelled job can be retried/);
  });

  it('follows server states: retrying failure stays tracking, final failure fails, retry re-uploads as a new server job', async () => {
    const h = await makeHarness();
    const { queue, events } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'SF', files: [await h.files.pdf('a.pdf')] });
    const tracked = await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded').then(() => queue.get(job.id)!);
    const jobId = tracked.jobId!;

    h.tracker.emit(jobId, { status: 'failed', phase: 'failed', message: 'OCR crashed', attempt: 1, maxAttempts: 3, willRetry: true, seq: 3 });
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', server: { willRetry: true, attempt: 1, maxAttempts: 3 } });
    h.tracker.emit(jobId, { status: 'failed', phase: 'failed', message: 'OCR crashed for good', willRetry: false, seq: 9 });
    expect(queue.get(job.id)).toMatchObject({ stage: 'failed', error: { code: 'server_failed', message: 'OCR crashed for good' } });
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    // A newer update after the final failure (the server retried after all) reopens the job and tracks it again.
    h.tracker.untrack(jobId);
    h.tracker.emit(jobId, { status: 'processing', phase: 'processing', seq: 10 });
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', error: null });
    expect(h.tracker.tracked.has(jobId)).toBe(true);
    h.tracker.emit(jobId, { status: 'failed', phase: 'failed', message: 'OCR crashed for good', willRetry: false, seq: 11 });
    expect(queue.get(job.id)?.stage).toBe('failed');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(2);

    queue.retry(job.id);
    const reuploaded = await waitFor(() => queue.get(job.id)?.stage === 'tracking', 're-uploaded').then(() => queue.get(job.id)!);
    expect(reuploaded.jobId).not.toBe(jobId);
    expect(reuploaded.idempotencyKey).not.toBe(job.idempotencyKey);
    expect(h.server.jobs()).toHaveLength(2);
    // Updates for the old server job no longer reach the job.
    h.tracker.emit(jobId, { status: 'completed', phase: 'completed', seq: 12 });
    expect(queue.get(job.id)?.stage).toBe('tracking');
  });

  it('cancel of a tracked job asks the server (PROTOCOL.md §4): "Cancelling…" until the final cancelled; retry sends it again', async () => {
    const h = await makeHarness({ phaseMs: 60_000 }); // nothing moves on its own: the server holds the job queued
    const { queue, events } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'CX', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    const jobId = queue.get(job.id)!.jobId!;
    const asked = queue.cancel(job.id);
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', cancelRequested: true }); // at once, before the answer
    expect(() => queue.cancel(job.id)).toThrow(expect.objectContaining({ code: 'invalid_state', message: 'This job is already being cancelled.' }));
    await asked;
    expect(h.server.jobs().find((j) => j.jobId === jobId)).toMatchObject({ status: 'cancelled', phase: 'cancelled' });
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', cancelRequested: true }); // still following: the final update ends it
    expect(h.tracker.tracked.has(jobId)).toBe(true);
    h.tracker.emit(jobId, { status: 'cancelled', phase: 'cancelled', seq: 1 });
    expect(queue.get(job.id)).toMatchObject({ stage: 'cancelled', cancelRequested: false, error: null });
    expect(events.filter((e) => e.type === 'done').map((e) => (e as { job: QueueJob }).job.stage)).toEqual(['cancelled']);
    h.tracker.emit(jobId, { phase: 'ocr_started', seq: 2 });
    expect(queue.get(job.id)?.stage).toBe('cancelled'); // final

    // The server's job ended for good: retry uploads the documents again, under a new key.
    queue.retry(job.id);
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded again');
    expect(queue.get(job.id)?.jobId).not.toBe(jobId);
    expect(h.uploads()).toBe(2);
  });

  it('a server without the extension (501): the job ends here saying the server will finish it; retry follows it again', async () => {
    const h = await makeHarness({ phaseMs: 60_000, cancelling: false });
    const { queue } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'CX', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    const jobId = queue.get(job.id)!.jobId!;
    await queue.cancel(job.id);
    expect(queue.get(job.id)).toMatchObject({ stage: 'cancelled', cancelRequested: false, error: { code: 'cancel_unsupported', message: expect.stringMatching(/^The server does not support cancelling: it will finish this job/) } });
    expect(h.tracker.tracked.has(jobId)).toBe(false);
    h.tracker.emit(jobId, { phase: 'ocr_started', seq: 2 });
    expect(queue.get(job.id)?.server?.phase).not.toBe('ocr_started'); // a job no longer followed ignores the server

    queue.retry(job.id);
    expect(queue.get(job.id)?.stage).toBe('tracking');
    // Followed again from what was last known of it (phase, seq): an older update cannot take it back.
    expect(h.tracker.tracked.get(jobId)?.known).toEqual(queue.get(job.id)?.server);
    expect(h.tracker.tracked.get(jobId)?.known).toMatchObject({ jobId });
    expect(h.uploads()).toBe(1);
  });

  it('a cancel the server cannot take (unreachable) keeps following the job and warns', async () => {
    const h = await makeHarness({ phaseMs: 60_000 });
    const { queue, events } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'CX', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    await h.server.close();
    await queue.cancel(job.id);
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', cancelRequested: false });
    expect(events.filter((e) => e.type === 'warning')).toEqual([{ type: 'warning', message: 'The server could not be reached to cancel the job.' }]);
  });

  it('remove and clearFinished drop jobs', async () => {
    const h = await makeHarness();
    const { queue, batches } = await h.makeQueue();
    const job = await queue.enqueue({ chartNumber: 'CX', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    h.tracker.emit(queue.get(job.id)!.jobId!, { status: 'completed', phase: 'completed', seq: 8 });

    const other = await queue.enqueue({ chartNumber: 'CY', files: [await h.files.pdf('b.pdf')] });
    queue.pauseAll();
    queue.remove(other.id);
    expect(queue.get(other.id)).toBeUndefined();
    await Promise.resolve();
    expect(batches.at(-1)).toEqual([{ type: 'remove', id: other.id }]); // upsert + remove in one tick: only the remove
    expect(queue.clearFinished()).toBe(1);
    expect(queue.snapshot()).toEqual([]);
    expect(() => queue.cancel(job.id)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('keeps at most historySize finished jobs, dropping the oldest first', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue({ historySize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const job = await queue.enqueue({ chartNumber: `H${i}`, files: [await h.files.pdf(`${i}.pdf`)] });
      await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
      h.tracker.emit(queue.get(job.id)!.jobId!, { status: 'completed', phase: 'completed', seq: 7 });
      ids.push(job.id);
    }
    expect(queue.snapshot().map((j) => j.id)).toEqual([ids[3], ids[2]]);
    queue.setHistorySize(1);
    expect(queue.snapshot().map((j) => j.id)).toEqual([ids[3]]);
  });

  it('401: the job waits with an auth error, nothing else is sent, and a new token lets everything through', async () => {
    const h = await makeHarness({ token: 'right-token' });
    const { queue, events } = await h.makeQueue();
    const first = await queue.enqueue({ chartNumber: 'A1', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(first.id)?.error?.code === 'auth', 'auth error');
    expect(queue.get(first.id)).toMatchObject({ stage: 'queued', error: { message: expect.stringMatching(/needs a token \(HTTP 401\)/) } });
    expect(events.some((e) => e.type === 'warning')).toBe(true);
    const second = await queue.enqueue({ chartNumber: 'A2', files: [await h.files.pdf('b.pdf')] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.uploads()).toBe(1);
    expect(queue.get(second.id)?.stage).toBe('queued');

    queue.setServer({ baseUrl: h.server.url, token: 'wrong-token' });
    await waitFor(() => /refused the token \(HTTP 403\)/.test(queue.get(first.id)?.error?.message ?? ''), '403 seen');
    await waitFor(() => queue.snapshot().every((j) => j.stage === 'queued'), 'both back in the queue');
    expect(h.uploads()).toBeLessThanOrEqual(3); // one try per job at most, then the queue holds

    queue.setServer({ baseUrl: h.server.url, token: 'right-token' });
    await waitFor(() => queue.snapshot().every((j) => j.stage === 'tracking'), 'both uploaded with the right token');
    expect(h.server.jobs()).toHaveLength(2);
  });

  it('a document deleted after it was queued fails the job with a specific message, without a retry loop', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    queue.pauseAll();
    const path = await h.files.pdf('gone.pdf');
    const job = await queue.enqueue({ chartNumber: 'GONE', files: [await h.files.pdf('kept.pdf'), path] });
    await rm(path);
    queue.resumeAll();
    await waitFor(() => queue.get(job.id)?.stage === 'failed', 'failed');
    expect(queue.get(job.id)?.error).toEqual({ code: 'file_missing', message: 'Document 2 was moved or deleted before it could be sent.' });
    expect(queue.get(job.id)?.uploadAttempts).toBe(1);
    expect(h.uploads()).toBe(0);
  });
});
