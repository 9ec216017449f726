/**
 * runUpload against a real loopback server (receivingServer.ts): try, decide,
 * wait on the injected clock, try again. The waits are fake time, the sockets
 * are real.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UploadProgress } from '../../../src/shared/queueJob';
import { SOCKETIO_EVENTS, type Dialect } from '../../../src/shared/dialect';
import { DEFAULT_RETRY_TIMINGS } from '../../../src/core/upload/retryPolicy';
import { runUpload, type UploadRunInput, type UploadVerdict } from '../../../src/core/upload/uploadRunner';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';
import { FakeClock } from '../../support/fakeClock';
import { waitFor } from '../queue/waitFor';
import { answerJson, sha256, startReceivingServer, type ReceivingServer } from './receivingServer';

let dir: TempDir;
let server: ReceivingServer;

beforeEach(async () => {
  dir = await makeTempDir();
  server = await startReceivingServer();
});

afterEach(async () => {
  await server.close();
  await dir.remove();
});

const PDF = Buffer.concat([MAGIC.pdf, Buffer.alloc(5000, 1)]);

interface Run {
  clock: FakeClock;
  controller: AbortController;
  attempts: number[];
  progress: UploadProgress[];
  retries: Array<{ attempt: number; nextAt: number; code: string; message: string }>;
  verdict: () => UploadVerdict | null;
  done: Promise<UploadVerdict>;
}

async function start(overrides: Partial<UploadRunInput> = {}, onRetryScheduled = (): void => undefined): Promise<Run> {
  const path = await dir.file('a.pdf', PDF);
  const clock = new FakeClock();
  const controller = new AbortController();
  const run: Omit<Run, 'done'> = { clock, controller, attempts: [], progress: [], retries: [], verdict: () => verdict };
  let verdict: UploadVerdict | null = null;
  const done = runUpload(
    {
      target: () => ({ baseUrl: server.baseUrl, token: null }),
      idempotencyKey: 'key-9',
      chartNumber: 'CH-1',
      files: [{ path, name: 'a.pdf', size: PDF.length, type: 'pdf' }],
      attemptsSoFar: 0,
      clock,
      random: () => 0.5,
      retry: DEFAULT_RETRY_TIMINGS,
      stallMs: 30_000,
      progressIntervalMs: 0,
      signal: controller.signal,
      ...overrides,
    },
    {
      onAttempt: (attempt) => run.attempts.push(attempt),
      onProgress: (progress) => run.progress.push(progress),
      onRetryScheduled: (info) => {
        run.retries.push(info);
        onRetryScheduled();
      },
    },
  ).then((result) => (verdict = result));
  return { ...run, done };
}

describe('runUpload', () => {
  it('tries again after the wait the policy chose, with the same Idempotency-Key and the target as it is then', async () => {
    server.answer = (res) =>
      server.received.length === 1 ? answerJson(res, 503, { error: 'unavailable', message: 'Restarting.' }) : answerJson(res, 201, { jobId: 'job-42' });
    const tokens = ['old', 'new'];
    let reads = 0;
    // Two tries were made before a restart: this run's first try is the third (jitter 0.5 of a 4 s ceiling: 2 s).
    const run = await start({ attemptsSoFar: 2, target: () => ({ baseUrl: server.baseUrl, token: tokens[reads++] }) });
    const startedAt = run.clock.now();
    await waitFor(() => run.retries.length === 1, 'retry scheduled');
    expect(run.retries).toEqual([
      { attempt: 3, nextAt: startedAt + 2000, code: 'unavailable', message: 'The server had a problem (HTTP 503): Restarting.' },
    ]);
    // The wait is the one timer left, due in exactly those 2 s.
    expect(run.clock.pendingDelays()).toEqual([2000]);
    run.clock.advance(2000);
    expect(await run.done).toEqual({ action: 'accepted', jobId: 'job-42' });
    expect(run.attempts).toEqual([3, 4]);
    expect(server.received.map((r) => [r.headers['idempotency-key'], r.headers.authorization])).toEqual([
      ['key-9', 'Bearer old'],
      ['key-9', 'Bearer new'],
    ]);
    // Nothing left behind on the clock or on the job's signal.
    expect(run.clock.pending).toBe(0);
    expect(getEventListeners(run.controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once as aborted when stopped during the wait, with no further try and no timer left', async () => {
    server.answer = (res) => answerJson(res, 503, { error: 'unavailable', message: 'Restarting.' });
    const run = await start();
    await waitFor(() => run.retries.length === 1, 'retry scheduled');
    expect(run.clock.pending).toBe(1);
    run.controller.abort();
    expect(await run.done).toEqual({ action: 'aborted' });
    expect(run.clock.pending).toBe(0);
    expect(getEventListeners(run.controller.signal, 'abort')).toHaveLength(0);
    expect(server.received).toHaveLength(1);
    expect(run.attempts).toEqual([1]);
  });

  it('ends at once when a listener of the retry notice stops the job (the queue paused right then)', async () => {
    server.answer = (res) => answerJson(res, 503, { error: 'unavailable', message: 'Restarting.' });
    const controller = new AbortController();
    const run = await start({ signal: controller.signal }, () => controller.abort());
    // The notice comes after the try's stall timer is gone and right before the wait would set
    // its timer (both synchronously), so once it is seen the clock shows whether a wait began.
    await waitFor(() => run.retries.length === 1, 'retry notice');
    expect(run.clock.pending).toBe(0);
    expect(await run.done).toEqual({ action: 'aborted' });
    expect(run.retries).toHaveLength(1);
  });

  it('sends nothing when stopped before the first try', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await start({ signal: controller.signal });
    expect(await run.done).toEqual({ action: 'aborted' });
    expect(run.attempts).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('stops at a verdict the policy does not retry (a rejected job), and passes on the upload progress up to the last byte', async () => {
    server.answer = (res) => answerJson(res, 422, { error: 'bad_chart', message: 'Unknown chart.' });
    const run = await start();
    expect(await run.done).toEqual({ action: 'reject', code: 'bad_chart', message: 'Unknown chart.' });
    expect(run.retries).toEqual([]);
    const bodyBytes = server.received[0]!.bodyBytes;
    expect(run.progress.at(-1)).toMatchObject({ sentBytes: bodyBytes, totalBytes: bodyBytes, etaSeconds: 0 });
  });

  it('passes on the speed and the time left, measured on its clock', async () => {
    // Every monotonic read is 10 ms after the one before: time passes while the bytes go out.
    const clock = new FakeClock();
    let ticks = 0;
    clock.monotonic = () => (ticks += 10);
    const run = await start({ clock });
    expect(await run.done).toMatchObject({ action: 'accepted' });
    const midway = run.progress.filter((p) => p.sentBytes < p.totalBytes);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway.at(-1)!.bytesPerSecond).toBeGreaterThan(0);
    expect(midway.at(-1)!.etaSeconds).toBeGreaterThan(0);
  });

  it("speaks the target's dialect and sends the job's batch", async () => {
    const dialect: Dialect = SOCKETIO_EVENTS;
    server.answer = (res) => answerJson(res, 202, { job_id: 17, status: 'PENDING' });
    const run = await start({ batchId: 'batch-3', target: () => ({ baseUrl: server.baseUrl, dialect }) });
    expect(await run.done).toEqual({ action: 'accepted', jobId: '17' });
    const [request] = server.received;
    expect(request).toMatchObject({ path: '/api/jobs', fields: { chart_number: 'CH-1', batch_id: 'batch-3' } });
    expect(request!.files).toEqual([{ field: 'documents', filename: 'a.pdf', mimeType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) }]);
    expect(request!.headers.authorization).toBeUndefined();
  });
});
