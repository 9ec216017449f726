/**
 * UploadQueue against the real reference server (real HTTP on loopback, real
 * files) with a hand-driven tracker: the upload side end to end.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../../src/server/index';
import { UploadQueue, QueueInputError, type QueueEvent } from '../../../src/core/queue/UploadQueue';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import type { QueueChange } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';
import { FakeTracker } from './fakeTracker';
import { waitFor } from './waitFor';

let server: ReferenceServer;
let files: TempDir;
let stateDir: TempDir;
let tracker: FakeTracker;
const queues: UploadQueue[] = [];

beforeEach(async () => {
  server = await startReferenceServer({ port: 0, phaseMs: 20 });
  files = await makeTempDir();
  stateDir = await makeTempDir('intake-state-');
  tracker = new FakeTracker();
});

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
  await server.close();
  await files.remove();
  await stateDir.remove();
});

function makeQueue(overrides: Partial<ConstructorParameters<typeof UploadQueue>[0]> = {}): UploadQueue {
  const queue = new UploadQueue({
    server: { baseUrl: server.url },
    store: createFileQueueStore(stateDir.path),
    tracker,
    random: () => 0, // no backoff waits: retries happen at once
    timings: { saveDebounceMs: 5 },
    ...overrides,
  });
  queues.push(queue);
  return queue;
}

function record(queue: UploadQueue): { events: QueueEvent[]; batches: QueueChange[][] } {
  const events: QueueEvent[] = [];
  const batches: QueueChange[][] = [];
  queue.onEvent((event) => events.push(event));
  queue.onChange((changes) => batches.push(changes));
  return { events, batches };
}

describe('UploadQueue upload side (real reference server)', () => {
  it('uploads a job, hands it to the tracker and follows it to completed', async () => {
    const queue = makeQueue();
    const { events } = record(queue);
    await queue.start();
    const a = await files.pdf('a.pdf', { pages: 2 });
    const b = await files.file('b.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]));
    const job = await queue.enqueue({ chartNumber: 'CH-1', files: [a, b] });
    expect(job.stage).toBe('queued');

    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'job uploaded');
    const uploaded = queue.get(job.id)!;
    expect(uploaded.jobId).toBeTruthy();
    expect(tracker.tracked.get(uploaded.jobId!)?.chartNumber).toBe('CH-1');
    expect(server.jobs().map((j) => j.jobId)).toEqual([uploaded.jobId]);
    expect(events.map((e) => e.type)).toEqual(['queued', 'uploaded']);

    tracker.emit(uploaded.jobId!, { status: 'processing', phase: 'ocr_started', seq: 2 });
    expect(queue.get(job.id)?.server?.phase).toBe('ocr_started');
    expect(queue.get(job.id)?.stage).toBe('tracking');
    tracker.emit(uploaded.jobId!, { status: 'completed', phase: 'completed', seq: 7 });
    expect(queue.get(job.id)?.stage).toBe('completed');
    expect(events.map((e) => e.type)).toEqual(['queued', 'uploaded', 'phase', 'phase', 'done']);
  });

  it('refuses a bad chart number and bad files with every reason, queuing nothing', async () => {
    const queue = makeQueue();
    await queue.start();
    const good = await files.pdf('good.pdf');
    const text = await files.file('notes.txt', 'hello');
    await expect(queue.enqueue({ chartNumber: 'bad chart', files: [good] })).rejects.toMatchObject({ code: 'invalid_chart_number' });
    const error = await queue.enqueue({ chartNumber: 'C1', files: [good, text, `${files.path}/missing.pdf`] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueInputError);
    expect((error as QueueInputError).code).toBe('invalid_files');
    expect((error as QueueInputError).rejected.map((r) => r.name).sort()).toEqual(['missing.pdf', 'notes.txt']);
    expect(queue.snapshot()).toEqual([]);
    expect(server.stats.uploadsAccepted).toBe(0);
  });
});
