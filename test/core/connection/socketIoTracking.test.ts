/**
 * The one connection engine over the Socket.IO dialects, against the real
 * reference server: jobs to their end with zero HTTP while healthy, joins
 * that are never acknowledged, polling while the socket is refused, both
 * ways of refusing a token (counted at the server: no reconnect storm) and
 * resuming on a new token, blocked jobs and batch progress.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import type { BatchProgress } from '../../../src/core/connection/transport';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, type SocketIoDialect } from '../../../src/shared/dialect';
import { isFinal } from '../../../src/shared/jobState';
import type { ReferenceServerOptions } from '../../../src/server/index';
import { startServer } from '../../support/referenceServer';
import { uploadDialectJob, uploadDialectJobs } from './dialectUploads';
import { waitUntil } from './waitUntil';

const FAST = { backoffBaseMs: 20, backoffCapMs: 200, healthyAfterMs: 500, pollIntervalMs: 100, pollMaxRequestsPerSecond: 50, assumeJoinAfterMs: 200 };

async function setup(dialect: SocketIoDialect, options: ReferenceServerOptions = {}, extra: Partial<ConnectionManagerOptions> = {}) {
  const server = await startServer({ phaseMs: 30, dialect, ...options });
  const m = new ConnectionManager({ baseUrl: server.url, dialect, timings: FAST, ...extra });
  onTestFinished(() => m.dispose());
  return { server, m };
}

describe.each([
  ['socketio-rooms', SOCKETIO_ROOMS, 'completed'],
  ['socketio-events', SOCKETIO_EVENTS, 'DELIVERED'],
] as const)('ConnectionManager over %s', (_name, dialect, doneWord) => {
  it('follows jobs to the end over one Socket.IO connection with zero HTTP requests, progress rising', async () => {
    const { server, m } = await setup(dialect);
    const jobs = await uploadDialectJobs(server.url, dialect, ['S-1', 'S-2', 'S-2', 'S-3']);
    const before = server.stats.httpRequests;
    const progress = new Map<string, number[]>();
    m.onJob((job) => progress.set(job.jobId, [...(progress.get(job.jobId) ?? []), job.progress ?? -1]));
    m.start();
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'completed'), 'all completed');
    expect(server.stats.httpRequests - before).toBe(0);
    expect(m.stats.httpRequests).toBe(0);
    expect(server.stats.wsConnections).toBe(1);
    for (const job of jobs) {
      expect(m.job(job.jobId)).toMatchObject({ status: 'completed', progress: 100, statusWord: doneWord });
      const seen = progress.get(job.jobId)!;
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('takes joins that are never acknowledged as done after 5 s (shrunk) and catches up over REST', async () => {
    const { server, m } = await setup(dialect, { phaseMs: 60_000 });
    server.setJoinAcks?.(false);
    const job = await uploadDialectJob(server.url, dialect, 'NOACK-1');
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.stats.httpRequests === 1 && m.job(job.jobId)?.timestamp !== null, 'caught up over REST');
    expect(m.state.state).toBe('connected');
    server.emitStatus?.(job.jobId, 'completed', 'completed', 'Done.');
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed through the room');
    expect(m.stats.httpRequests).toBe(1);
  });

  it('polls over REST while the Socket.IO endpoint refuses, and stops once it is back', async () => {
    const { server, m } = await setup(dialect, { phaseMs: 60_000 });
    const job = await uploadDialectJob(server.url, dialect, 'POLL-1');
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected', 'connected');
    server.setWebSocket(false);
    await waitUntil(() => m.state.state === 'polling', 'polling');
    server.emitStatus?.(job.jobId, 'processing', 'ocr_started', 'OCR.');
    await waitUntil(() => m.job(job.jobId)?.progress === 29, 'progress seen by polling');
    server.setWebSocket(true);
    await waitUntil(() => m.state.state === 'connected', 'back on the socket');
    const requests = server.stats.httpRequests;
    server.emitStatus?.(job.jobId, 'completed', 'completed', 'Done.');
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed');
    expect(server.stats.httpRequests).toBe(requests);
  });

  it.each(['connect_error', 'disconnect'] as const)('a wrong token refused by %s is auth_failed without a reconnect storm; the right one resumes', async (authRefusal) => {
    const { server, m } = await setup(dialect, { phaseMs: 30, token: 'right', authRefusal }, { token: 'wrong' });
    const job = await uploadDialectJob(server.url, dialect, 'AUTH-1', { token: 'right' });
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'auth_failed', 'auth_failed');
    await new Promise((resolve) => setTimeout(resolve, 600)); // many backoff periods of FAST
    expect(m.state.state).toBe('auth_failed');
    expect(server.stats.wsConnections).toBe(1);
    m.setServer({ baseUrl: server.url, dialect, token: 'right' });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed after the token changed');
    expect(server.stats.wsConnections).toBe(2);
  });
});

describe('seed 004 specifics', () => {
  it('a job held by a quality check ends `blocked`, final; a batch reports the server’s progress', async () => {
    const { server, m } = await setup(SOCKETIO_EVENTS, { phaseMs: 30, blockedRate: 1 });
    const batches: BatchProgress[] = [];
    m.onBatch((batch) => batches.push(batch));
    m.followBatch('drop-7');
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    const jobs = [await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'B-1', { batchId: 'drop-7' }), await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'B-2', { batchId: 'drop-7' })];
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'blocked'), 'blocked');
    expect(isFinal(m.job(jobs[0]!.jobId)!)).toBe(true);
    expect(m.job(jobs[0]!.jobId)).toMatchObject({ statusWord: 'BLOCKED', message: expect.stringMatching(/quality check/) });
    await waitUntil(() => batches.some((b) => b.completed === 2), 'batch done');
    expect(batches.at(-1)).toMatchObject({ batchId: 'drop-7', total: 2, completed: 2, status: 'completed' });
  });
});
