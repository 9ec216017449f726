/**
 * Upload faults against the real reference server: every transient fault
 * ends in a completed upload, a refusal ends rejected after one request, and
 * a lost answer never creates a second server job.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { UploadQueue, type QueueEvent, type UploadQueueOptions } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import type { ReferenceServer } from '../../../src/server/index';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startResponseDropRelay } from '../upload/responseDropRelay';
import { FakeClock } from '../../support/fakeClock';
import { FakeTracker } from './fakeTracker';
import { waitFor } from './waitFor';

const UPLOAD_ROUTE = 'POST /api/documents/upload';
let server: ReferenceServer;
let files: TempDir;
let tracker: FakeTracker;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  server = await startServer({ phaseMs: 50 });
  files = await makeTempDir();
  tracker = new FakeTracker();
  cleanups.push(() => files.remove());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function makeQueue(overrides: Partial<UploadQueueOptions> = {}): Promise<{ queue: UploadQueue; events: QueueEvent[]; seen: QueueJob[] }> {
  const state = await makeTempDir('intake-state-');
  const queue = new UploadQueue({
    server: { baseUrl: server.url },
    store: createFileQueueStore(state.path),
    tracker,
    random: () => 0, // backoff jitter 0: only Retry-After makes a retry wait
    timings: { saveDebounceMs: 5 },
    ...overrides,
  });
  cleanups.push(() => state.remove(), () => queue.dispose());
  const events: QueueEvent[] = [];
  const seen: QueueJob[] = [];
  queue.onEvent((event) => events.push(event));
  queue.onChange((changes) => changes.forEach((c) => c.type === 'upsert' && seen.push(c.job)));
  await queue.start();
  return { queue, events, seen };
}

async function bigPdf(name: string, bytes: number): Promise<string> {
  return files.file(name, Buffer.concat([MAGIC.pdf, Buffer.alloc(bytes - MAGIC.pdf.length, 0x41)]));
}

const uploads = (): number => server.stats.requestsByRoute[UPLOAD_ROUTE] ?? 0;

async function uploaded(queue: UploadQueue, id: string): Promise<QueueJob> {
  await waitFor(() => queue.get(id)?.stage !== 'queued' && queue.get(id)?.stage !== 'uploading', 'upload finished');
  return queue.get(id)!;
}

describe('upload faults (real reference server)', () => {
  it('429 with Retry-After: waits the given seconds, then completes', async () => {
    const { queue, seen } = await makeQueue();
    server.injectUploadFaults({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const job = await queue.enqueue({ chartNumber: 'R429', files: [await files.pdf('a.pdf')] });
    const done = await uploaded(queue, job.id);
    expect(done.stage).toBe('tracking');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(uploads()).toBe(2);
    const waiting = seen.find((j) => j.error?.code === 'too_many_requests');
    expect(waiting?.nextUploadAt).not.toBeNull();
    expect(waiting!.nextUploadAt! - waiting!.updatedAt).toBeGreaterThanOrEqual(990);
    expect(done.error).toBeNull();
    expect(done.uploadAttempts).toBe(2);
    expect(server.jobs()).toHaveLength(1);
  });

  it('a burst of 503s (and a 500, a 502) is retried until the upload completes', async () => {
    const { queue } = await makeQueue();
    server.injectUploadFaults(
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
    );
    const job = await queue.enqueue({ chartNumber: 'R503', files: [await files.pdf('a.pdf')] });
    const done = await uploaded(queue, job.id);
    expect(done.stage).toBe('tracking');
    expect(done.uploadAttempts).toBe(5);
    expect(uploads()).toBe(5);
    expect(server.jobs().map((j) => j.jobId)).toEqual([done.jobId]);
  });

  it('a stalled transfer (server stops reading) is aborted after stallMs and retried', async () => {
    // 1.5 s without a byte moving never happens on a healthy loopback, even on a loaded machine.
    const { queue, seen } = await makeQueue({ timings: { stallMs: 1500, saveDebounceMs: 5 } });
    server.injectUploadFaults({ kind: 'stall' });
    // Big enough to fill the socket buffers, so the stall is felt mid-body.
    const job = await queue.enqueue({ chartNumber: 'STALL', files: [await bigPdf('big.pdf', 16 * 1024 * 1024)] });
    const done = await uploaded(queue, job.id);
    expect(done.stage).toBe('tracking');
    expect(seen.some((j) => j.error?.code === 'stalled')).toBe(true);
    expect(uploads()).toBe(2);
    expect(server.jobs()).toHaveLength(1);
  });

  it('a connection reset mid-body is retried and completes', async () => {
    const { queue, seen } = await makeQueue();
    server.injectUploadFaults({ kind: 'reset', afterBytes: 64 * 1024 });
    const job = await queue.enqueue({ chartNumber: 'RESET', files: [await bigPdf('big.pdf', 2 * 1024 * 1024)] });
    const done = await uploaded(queue, job.id);
    expect(done.stage).toBe('tracking');
    expect(seen.some((j) => j.error?.code === 'network')).toBe(true);
    expect(uploads()).toBe(2);
    expect(server.jobs()).toHaveLength(1);
  });

  it('415 ends rejected with the server message after exactly one request', async () => {
    const state = await makeTempDir('intake-state-');
    cleanups.push(() => state.remove());
    const store = createFileQueueStore(state.path);
    const { queue, events } = await makeQueue({ store });
    queue.pauseAll();
    const path = await files.pdf('a.pdf', { bytes: 400 });
    const job = await queue.enqueue({ chartNumber: 'R415', files: [path] });
    // Between the check and the upload the content changes (same size): only the server can tell now.
    await writeFile(path, Buffer.alloc(400, 0x5a));
    queue.resumeAll();
    const done = await uploaded(queue, job.id);
    expect(done.stage).toBe('rejected');
    expect(done.error?.code).toBe('unsupported_media_type');
    expect(done.error?.message).toMatch(/\w/);
    expect(uploads()).toBe(1);
    expect(server.jobs()).toHaveLength(0);
    expect(events.filter((e) => e.type === 'done').map((e) => (e as { job: QueueJob }).job.stage)).toEqual(['rejected']);
    await queue.dispose(); // flushes the debounced write
    expect(await store.load()).toMatchObject({ jobs: [{ id: job.id, stage: 'rejected' }] });
  });

  it('a lost answer (server accepted, connection cut) is retried with the same key: one server job', async () => {
    const relay = await startResponseDropRelay(server.url, 1);
    cleanups.push(() => relay.close());
    const { queue } = await makeQueue({ server: { baseUrl: relay.url } });
    const job = await queue.enqueue({ chartNumber: 'LOST', files: [await files.pdf('a.pdf')] });
    const done = await uploaded(queue, job.id);
    expect(relay.dropped).toBe(1);
    expect(done.stage).toBe('tracking');
    expect(done.uploadAttempts).toBe(2);
    expect(done.idempotencyKey).toBe(job.idempotencyKey);
    expect(uploads()).toBe(2);
    expect(server.stats.uploadsAccepted).toBe(1);
    expect(server.jobs().map((j) => j.jobId)).toEqual([done.jobId]);
  });

  it('backoff between tries follows full jitter on the injected clock: nothing is sent before the delay', async () => {
    const clock = new FakeClock();
    const { queue } = await makeQueue({ clock, random: () => 0.5, timings: { retryBaseMs: 1000, saveDebounceMs: 5 } });
    server.injectUploadFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const job = await queue.enqueue({ chartNumber: 'BACKOFF', files: [await files.pdf('a.pdf')] });
    // Try 1 fails: wait random(0..1000) = 500 ms.
    await waitFor(() => queue.get(job.id)?.nextUploadAt != null, 'first backoff');
    expect(queue.get(job.id)!.nextUploadAt! - clock.now()).toBe(500);
    clock.advance(499);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uploads()).toBe(1);
    clock.advance(1);
    // Try 2 fails: wait random(0..2000) = 1000 ms.
    await waitFor(() => uploads() === 2 && queue.get(job.id)?.nextUploadAt != null, 'second backoff');
    expect(queue.get(job.id)!.nextUploadAt! - clock.now()).toBe(1000);
    clock.advance(1000);
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'third try succeeds');
    expect(uploads()).toBe(3);
  });
});
