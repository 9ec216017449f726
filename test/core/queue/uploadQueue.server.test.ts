/**
 * UploadQueue basics against the real reference server (real HTTP on
 * loopback, real files) with a hand-driven tracker.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/base/logger';
import { QueueInputError } from '../../../src/core/queue/UploadQueue';
import { MAGIC } from '../../support/files';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

function recordingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const push = (message: string, fields?: Record<string, unknown>): void => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: push, info: push, warn: push, error: push }, text: () => lines.join('\n') };
}

describe('UploadQueue (real reference server)', () => {
  it('uploads a job, hands it to the tracker and follows it to completed', async () => {
    const h = await makeHarness();
    const { queue, events } = await h.makeQueue();
    await queue.start();
    const a = await h.files.pdf('a.pdf', { pages: 2 });
    const b = await h.files.file('b.png', Buffer.concat([MAGIC.png, Buffer.alloc(100, 1)]));
    const job = await queue.enqueue({ chartNumber: '  CH-1 ', files: [a, b] });
    expect(job).toMatchObject({ stage: 'queued', chartNumber: 'CH-1', jobId: null });
    expect(job.files.map((f) => [f.name, f.type])).toEqual([
      ['a.pdf', 'pdf'],
      ['b.png', 'png'],
    ]);

    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'job uploaded');
    const uploaded = queue.get(job.id)!;
    expect(uploaded.jobId).toBeTruthy();
    expect(h.tracker.tracked.get(uploaded.jobId!)?.chartNumber).toBe('CH-1');
    expect(h.server.jobs().map((j) => j.jobId)).toEqual([uploaded.jobId]);
    expect(events.map((e) => e.type)).toEqual(['queued', 'uploaded']);

    h.tracker.emit(uploaded.jobId!, { status: 'processing', phase: 'ocr_started', seq: 2 });
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', server: { phase: 'ocr_started' } });
    h.tracker.emit(uploaded.jobId!, { status: 'completed', phase: 'completed', seq: 7 });
    expect(queue.get(job.id)?.stage).toBe('completed');
    expect(events.map((e) => e.type)).toEqual(['queued', 'uploaded', 'phase', 'phase', 'done']);
    expect(Object.isFrozen(queue.get(job.id))).toBe(true);
  });

  it('gives every refusal its own message and queues nothing', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    const good = await h.files.pdf('good.pdf');
    const messageOf = async (input: unknown): Promise<{ code: string; message: string }> => {
      const error = await queue.enqueue(input as { chartNumber: string; files: string[] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueInputError);
      return { code: (error as QueueInputError).code, message: (error as QueueInputError).message };
    };
    const refusals = [
      await messageOf({ chartNumber: '', files: [good] }),
      await messageOf({ chartNumber: 'x'.repeat(65), files: [good] }),
      await messageOf({ chartNumber: 'bad chart', files: [good] }),
      await messageOf({ chartNumber: 'C1', files: [] }),
      await messageOf({ chartNumber: 'C1', files: [42] }),
      await messageOf(null),
    ];
    expect(refusals.map((r) => r.code)).toEqual(['invalid_chart_number', 'invalid_chart_number', 'invalid_chart_number', 'no_files', 'invalid_argument', 'invalid_chart_number']);
    expect(new Set(refusals.map((r) => r.message)).size).toBe(5); // null input and '' share "Chart number is required."

    const text = await h.files.file('notes.txt', 'hello');
    const error = (await queue.enqueue({ chartNumber: 'C1', files: [good, text, join(h.files.path, 'missing.pdf')] }).catch((e: unknown) => e)) as QueueInputError;
    expect(error.code).toBe('invalid_files');
    expect(error.rejected.map((r) => r.name).sort()).toEqual(['missing.pdf', 'notes.txt']);
    expect(error.message).toMatch(/notes\.txt: Type not accepted/);
    expect(error.message).toMatch(/missing\.pdf: File not found/);
    expect(queue.snapshot()).toEqual([]);
    expect(h.server.stats.uploadsAccepted).toBe(0);

    await expect(queue.inspect('nope' as unknown as string[])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(queue.inspect([''])).rejects.toMatchObject({ code: 'invalid_argument' });
    const inspection = await queue.inspect([good, text]);
    expect(inspection.accepted.map((f) => f.name)).toEqual(['good.pdf']);
    expect(inspection.rejected.map((r) => r.name)).toEqual(['notes.txt']);
  });

  it('never logs chart numbers, document names or paths, even through retries and failures', async () => {
    const h = await makeHarness();
    const { logger, text } = recordingLogger();
    h.server.injectUploadFaults({ kind: 'status', status: 503 }, { kind: 'reset', afterBytes: 10 });
    const { queue } = await h.makeQueue({ logger });
    const job = await queue.enqueue({ chartNumber: 'PATIENT-4711', files: [await h.files.pdf('Smith_John_history.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    h.tracker.emit(queue.get(job.id)!.jobId!, { status: 'failed', phase: 'failed', message: 'OCR failed for PATIENT-4711', seq: 9 });
    await queue.dispose();
    expect(text()).toMatch(/upload started/);
    expect(text()).toMatch(/retrying/);
    expect(text()).not.toMatch(/PATIENT-4711|Smith_John|intake-test-/);
  });

  it('setServer to a new URL moves running uploads there (same key); close leaves them for the next start', async () => {
    const h = await makeHarness();
    h.server.injectUploadFaults({ kind: 'stall' });
    const { queue } = await h.makeQueue({ server: { baseUrl: h.server.url }, timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    const job = await queue.enqueue({ chartNumber: 'MOVE', files: [await h.files.pdf('a.pdf', { bytes: 200_000 })] });
    await waitFor(() => h.uploads() === 1, 'stalled on the first server');
    const other = await makeHarness();
    queue.setServer({ baseUrl: other.server.url });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded to the new server');
    expect(other.server.jobs()).toHaveLength(1);
    expect(h.server.jobs()).toHaveLength(0);
    expect(() => queue.setServer({ baseUrl: 'not a url' })).toThrow(/not a valid URL/);

    other.server.injectUploadFaults({ kind: 'stall' });
    const pending = await queue.enqueue({ chartNumber: 'LATER', files: [await other.files.pdf('b.pdf', { bytes: 200_000 })] });
    await waitFor(() => queue.get(pending.id)?.stage === 'uploading' && other.uploads() === 2, 'second upload stalled');
    await queue.dispose();
    expect((await h.store.load())?.jobs.find((j) => j.id === pending.id)?.stage).toBe('uploading');
    await expect(queue.enqueue({ chartNumber: 'X', files: [await other.files.pdf('c.pdf')] })).rejects.toMatchObject({ code: 'closed' });
  });

  it('a server switch ends the jobs the previous server is processing, saying why; retry sends them to the new one', async () => {
    const h = await makeHarness({ cancelling: false }); // the cancel below leaves the job running on the old server
    const { queue, events } = await h.makeQueue({ server: { baseUrl: h.server.url, identity: 'demo' } });
    await queue.start();
    const processing = await queue.enqueue({ chartNumber: 'LEFT', files: [await h.files.pdf('a.pdf')] });
    const done = await queue.enqueue({ chartNumber: 'DONE', files: [await h.files.pdf('b.pdf')] });
    const cancelled = await queue.enqueue({ chartNumber: 'CANC', files: [await h.files.pdf('c.pdf')] });
    await waitFor(() => [processing, done, cancelled].every((job) => queue.get(job.id)?.stage === 'tracking'), 'all uploaded');
    await queue.cancel(cancelled.id);
    const leftJobId = queue.get(processing.id)!.jobId!;
    h.tracker.emit(queue.get(done.id)!.jobId!, { status: 'completed', phase: 'completed', seq: 7 });
    expect(queue.get(processing.id)?.acceptedBy).toBe('demo');

    // The same backend under a new URL (the demo server on another port) keeps its jobs; so does a new token.
    queue.setServer({ baseUrl: h.server.url.replace('127.0.0.1', 'localhost'), identity: 'demo' });
    queue.setServer({ baseUrl: h.server.url, token: 't', identity: 'demo' });
    expect(queue.get(processing.id)?.stage).toBe('tracking');
    expect(h.tracker.tracked.has(leftJobId)).toBe(true);

    const other = await makeHarness();
    queue.setServer({ baseUrl: other.server.url });
    expect(queue.get(processing.id)).toMatchObject({ stage: 'failed', error: { code: 'server_changed', message: expect.stringContaining('Retry sends the documents to the current server') } });
    expect(queue.get(done.id)?.stage).toBe('completed'); // a finished job is not touched
    expect(h.tracker.tracked.has(leftJobId)).toBe(false);
    expect(events.filter((e) => e.type === 'done').map((e) => (e as { job: { chartNumber: string } }).job.chartNumber)).toEqual(['CANC', 'DONE', 'LEFT']); // cancelled by the user, completed, left by the switch
    // A late frame from the old server (or a same id on the new one) does not reopen it.
    h.tracker.emit(leftJobId, { status: 'processing', phase: 'ai_started', seq: 4 });
    expect(queue.get(processing.id)?.stage).toBe('failed');

    queue.retry(processing.id);
    const moved = await waitFor(() => queue.get(processing.id)?.stage === 'tracking', 'uploaded to the new server').then(() => queue.get(processing.id)!);
    expect(moved.jobId).not.toBe(leftJobId);
    expect(moved.acceptedBy).toBe(other.server.url);
    expect(other.server.jobs().map((j) => j.jobId)).toEqual([moved.jobId]);

    // Cancelled while the old server processed it: retry cannot follow it here, so it is uploaded again.
    const cancelledJobId = queue.get(cancelled.id)!.jobId!;
    queue.retry(cancelled.id);
    expect(queue.get(cancelled.id)).toMatchObject({ stage: expect.stringMatching(/^(queued|uploading)$/), jobId: null }); // already sending
    expect(h.tracker.tracked.has(cancelledJobId)).toBe(false);
    await waitFor(() => queue.get(cancelled.id)?.stage === 'tracking', 'the cancelled job uploaded to the new server');
    expect(other.server.jobs()).toHaveLength(2);

    // The same server's URL written otherwise (scheme case, a trailing slash) leaves nothing behind.
    queue.setServer({ baseUrl: `${other.server.url.replace('http://', 'HTTP://')}/` });
    expect([processing, cancelled].map((job) => queue.get(job.id)?.stage)).toEqual(['tracking', 'tracking']);
  });

  it('at start, a saved job another server is processing ends the same way; one saved without acceptedBy is followed', async () => {
    const h = await makeHarness();
    const first = await h.makeQueue({ server: { baseUrl: 'http://127.0.0.1:1/api' } });
    await first.queue.start();
    const old = await first.queue.enqueue({ chartNumber: 'OLD', files: [await h.files.pdf('a.pdf')] });
    const legacy = await first.queue.enqueue({ chartNumber: 'LEGACY', files: [await h.files.pdf('b.pdf')] });
    await first.queue.dispose();
    const saved = (await h.store.load())!;
    const asTracking = (id: string, jobId: string, acceptedBy?: string) => {
      const job = saved.jobs.find((j) => j.id === id)!;
      Object.assign(job, { stage: 'tracking', jobId, ...(acceptedBy !== undefined && { acceptedBy }) });
    };
    asTracking(old.id, 'job-old', 'https://previous.example/api');
    asTracking(legacy.id, 'job-legacy');
    await h.store.save(saved);

    const { queue, events } = await h.makeQueue();
    await queue.start();
    expect(queue.get(old.id)).toMatchObject({ stage: 'failed', error: { code: 'server_changed' } });
    expect(queue.get(legacy.id)?.stage).toBe('tracking');
    expect([...h.tracker.tracked.keys()]).toEqual(['job-legacy']);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    await queue.dispose();
    expect((await h.store.load())?.jobs.find((j) => j.id === old.id)?.stage).toBe('failed');
  });
});
