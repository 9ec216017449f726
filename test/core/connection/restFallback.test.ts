/**
 * The REST side of tracking on its own (RestFallback), against the real
 * reference server: polling while the socket is down, catch-up reads, what a
 * refused token and an unreachable server do, and that a server or token
 * change (reset) cancels reads and ignores their late answers. Timers run on
 * a fake clock; HTTP is real. The last block reads the operator log of a
 * whole ConnectionManager falling back to polling and back to the socket.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { RestFallback } from '../../../src/core/connection/restFallback';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import { readKeyOf } from '../../../src/core/connection/chartStatusReader';
import { DEFAULT_CONNECTION_TIMINGS, type ConnectionTimings } from '../../../src/core/connection/timings';
import { TrackedJobs } from '../../../src/core/connection/trackedJobs';
import { INTAKE_DIALECT, SOCKETIO_ROOMS, type Dialect } from '../../../src/shared/dialect';
import type { ReferenceServer } from '../../../src/server/index';
import { startServer } from '../../support/referenceServer';
import { FakeClock } from '../../support/fakeClock';
import { memoryLogger } from '../../main/fixtures/memoryLogger';
import { uploadJob, uploadJobs, type CreatedJob } from './uploadJobs';
import { uploadDialectJob } from './dialectUploads';
import { seededRandom } from '../../support/seededRandom';
import { waitUntil } from './waitUntil';

interface RigOptions {
  token?: string | null;
  dialect?: Dialect;
  fetchImpl?: typeof fetch;
  timings?: Partial<ConnectionTimings>;
}

function rig(baseUrl: string, options: RigOptions = {}) {
  const clock = new FakeClock();
  const jobs = new TrackedJobs();
  const logger = memoryLogger();
  const applied: Array<{ jobId: string; status: string; seq: number | null }> = [];
  const authFailures: string[] = [];
  const counts = { request: 0, shared: 0 };
  const fallback = new RestFallback({
    clock,
    random: seededRandom(5),
    timings: { ...DEFAULT_CONNECTION_TIMINGS, ...options.timings },
    logger,
    fetchImpl: options.fetchImpl,
    server: () => ({ baseUrl, token: options.token ?? null, ...(options.dialect && { dialect: options.dialect }) }),
    openCharts: () => jobs.openCharts(),
    jobsOfChart: (chart) => jobs.ofChart(chart),
    apply: (record, update) => {
      const result = jobs.apply(record, update);
      if (result.outcome === 'applied') applied.push({ jobId: result.job.jobId, status: result.job.status, seq: result.job.seq });
    },
    authFailed: (reason) => authFailures.push(reason),
    counted: (kind, n) => (counts[kind] += n),
  });
  onTestFinished(() => fallback.reset());
  const track = (job: CreatedJob): void => void jobs.track(job.jobId, readKeyOf(options.dialect, job.jobId, job.chartNumber));
  return { clock, jobs, logger, applied, authFailures, counts, fallback, track };
}

/** Lets the reads' `finally` callbacks (which plan the poller's next look) run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

function truth(server: ReferenceServer, jobId: string) {
  const job = server.jobs().find((j) => j.jobId === jobId)!;
  return { jobId, status: job.status, seq: job.seq };
}

describe('RestFallback polling', () => {
  it('reads the chart of every open job while polling, one request per chart for all of its jobs', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const [a1, a2, b1] = await uploadJobs(server.url, ['POLL-A', 'POLL-A', 'POLL-B']);
    const before = server.stats.httpRequests;
    const r = rig(server.url);
    for (const job of [a1!, a2!, b1!]) r.track(job);
    // A job the server does not list on its chart: nothing to apply, it stays as it is.
    r.track({ jobId: 'not-on-the-server', chartNumber: 'POLL-A' });

    expect(r.fallback.polling).toBe(false);
    r.fallback.poll();
    expect(r.fallback.polling).toBe(true);
    r.clock.advance(0);
    await waitUntil(() => r.applied.length === 2, 'the first chart read');
    await settle();
    r.clock.advance(1_000);
    await waitUntil(() => r.applied.length === 3, 'the second chart read');

    expect(r.applied.map((a) => a.jobId).sort()).toEqual([a1!.jobId, a2!.jobId, b1!.jobId].sort());
    for (const job of [a1!, a2!, b1!]) expect(r.applied.find((a) => a.jobId === job.jobId)).toEqual(truth(server, job.jobId));
    expect(r.jobs.get('not-on-the-server')?.state.seq).toBeNull();
    expect(server.stats.httpRequests - before).toBe(2);
    // Two requests sent; one job read rode on its chart neighbour's request.
    expect(r.counts).toEqual({ request: 2, shared: 1 });
    expect(r.authFailures).toEqual([]);
    expect(r.logger.lines).toEqual([]);
  });

  it('reads a chart again only after the poll interval, and not at all once polling stopped', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'POLL-AGAIN');
    const r = rig(server.url, { timings: { pollIntervalMs: 3_000 } });
    r.track(job);
    const before = server.stats.httpRequests;
    r.fallback.poll();
    r.clock.advance(0);
    await waitUntil(() => r.counts.request === 1 && server.stats.httpRequests - before === 1, 'the first read');
    await settle();
    r.clock.advance(2_999);
    await settle();
    expect(r.counts.request).toBe(1);
    // The interval plus at most 20 % jitter.
    r.clock.advance(601);
    await waitUntil(() => server.stats.httpRequests - before === 2, 'the second read');
    await settle();

    r.fallback.stopPolling();
    expect(r.fallback.polling).toBe(false);
    expect(r.fallback.pendingTimers).toBe(0);
    r.clock.advance(60_000);
    await settle();
    expect(r.counts.request).toBe(2);
    expect(server.stats.httpRequests - before).toBe(2);

    // poll() again starts at once, without waiting for the planned tick.
    r.fallback.poll();
    r.clock.advance(0);
    await waitUntil(() => server.stats.httpRequests - before === 3, 'read again after poll()');
  });

  it('poll() while already polling looks for due charts now instead of at the next planned tick', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const [first, second] = await uploadJobs(server.url, ['KICK-1', 'KICK-2']);
    const r = rig(server.url, { timings: { pollIntervalMs: 3_000, pollMaxRequestsPerSecond: 4 } });
    r.track(first!);
    r.fallback.poll();
    r.clock.advance(0);
    await waitUntil(() => r.applied.length === 1, 'the first chart read');
    await settle();
    r.clock.advance(500);
    await settle();
    // Nothing else open: the poller waits for the interval. A new chart and poll(): read within the rate limit, not after 3 s.
    r.track(second!);
    r.fallback.poll();
    r.clock.advance(400);
    await waitUntil(() => r.applied.length === 2, 'the new chart read');
    expect(r.applied[1]?.jobId).toBe(second!.jobId);
  });
});

describe('RestFallback catch-up', () => {
  it('catches one chart up at once, without polling and without timers', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const [a, b] = await uploadJobs(server.url, ['CATCH-A', 'CATCH-B']);
    const r = rig(server.url);
    r.track(a!);
    r.track(b!);
    r.fallback.catchUp('CATCH-B');
    await waitUntil(() => r.applied.length === 1, 'caught up');
    expect(r.applied).toEqual([truth(server, b!.jobId)]);
    expect(r.fallback.polling).toBe(false);
    expect(r.fallback.pendingTimers).toBe(0);
    expect(r.counts).toEqual({ request: 1, shared: 0 });
  });

  it('a read that finds none of the tracked jobs applies nothing and counts one request, no shared read', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'GHOST-CHART');
    const r = rig(server.url);
    r.track({ jobId: 'ghost-job', chartNumber: job.chartNumber });
    r.fallback.catchUp(job.chartNumber);
    await waitUntil(() => r.counts.request === 1 && server.stats.httpRequests > 1, 'the read answered');
    // Barrier: a second read of the same chart, queued behind the first one's answer.
    r.track(job);
    r.fallback.catchUp(job.chartNumber);
    await waitUntil(() => r.applied.length === 1, 'the real job read');
    expect(r.applied.map((a) => a.jobId)).toEqual([job.jobId]);
    expect(r.counts).toEqual({ request: 2, shared: 0 });
  });

  it('reads a Socket.IO dialect job by its own id on the dialect status path', async () => {
    const server = await startServer({ phaseMs: 60_000, dialect: SOCKETIO_ROOMS });
    const job = await uploadDialectJob(server.url, SOCKETIO_ROOMS, 'SIO-REST');
    const r = rig(server.url, { dialect: SOCKETIO_ROOMS });
    r.track(job);
    r.fallback.catchUp(job.jobId);
    await waitUntil(() => r.applied.length === 1 || r.logger.lines.length > 0, 'the read answered');
    expect(r.logger.lines).toEqual([]);
    expect(r.applied.map((a) => [a.jobId, a.status])).toEqual([[job.jobId, 'queued']]);
    expect(r.jobs.get(job.jobId)?.state.timestamp).not.toBeNull();
  });

  it('the intake dialect named explicitly reads §2 by chart like the default', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'INTAKE-NAMED');
    const r = rig(server.url, { dialect: INTAKE_DIALECT });
    r.track(job);
    r.fallback.catchUp(job.chartNumber);
    await waitUntil(() => r.applied.length === 1, 'caught up');
    expect(r.applied).toEqual([truth(server, job.jobId)]);
  });
});

describe('RestFallback failures', () => {
  it('a refused token is reported as an auth failure (no chart number in the reason) and nothing is applied', async () => {
    const server = await startServer({ phaseMs: 60_000, token: 'right' });
    const job = await uploadJob(server.url, 'AUTH-CHART', 'right');
    const wrong = rig(server.url, { token: 'wrong' });
    wrong.track(job);
    wrong.fallback.catchUp(job.chartNumber);
    await waitUntil(() => wrong.authFailures.length === 1, 'auth failure reported');
    expect(wrong.authFailures).toEqual(['status read: auth (HTTP 403)']);
    expect(wrong.applied).toEqual([]);
    expect(wrong.logger.lines).toEqual([]);

    const right = rig(server.url, { token: 'right' });
    right.track(job);
    right.fallback.catchUp(job.chartNumber);
    await waitUntil(() => right.applied.length === 1, 'read with the right token');
    expect(right.authFailures).toEqual([]);
  });

  it('an unreachable server leaves a debug line for the operator with the reason only, and the job as it was', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'GONE-CHART');
    await server.close();
    const r = rig(server.url);
    r.track(job);
    r.fallback.catchUp(job.chartNumber);
    await waitUntil(() => r.logger.lines.length === 1, 'the failure logged');
    expect(r.logger.lines).toEqual(['debug status read failed {"reason":"status read: network"}']);
    expect(r.applied).toEqual([]);
    expect(r.authFailures).toEqual([]);
  });

  it('a status read that outlasts httpTimeoutMs ends as a timeout', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'SLOW-CHART');
    // The server's answer is held back until the request is given up.
    const slowFetch: typeof fetch = (url, init) =>
      new Promise((resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
    const r = rig(server.url, { fetchImpl: slowFetch, timings: { httpTimeoutMs: 50 } });
    r.track(job);
    r.fallback.catchUp(job.chartNumber);
    await waitUntil(() => r.logger.lines.length === 1, 'the timeout logged', 5_000);
    expect(r.logger.lines).toEqual(['debug status read failed {"reason":"status read: timeout"}']);
  });
});

describe('RestFallback reset (server or token changed)', () => {
  it('cancels a read not yet sent: the server never sees it, and nothing is logged', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const [old, fresh] = await uploadJobs(server.url, ['RESET-OLD', 'RESET-NEW']);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const asked: string[] = [];
    const gatedFetch: typeof fetch = async (url, init) => {
      asked.push(String(url));
      await gate;
      return fetch(url, init);
    };
    const r = rig(server.url, { fetchImpl: gatedFetch });
    r.track(old!);
    r.track(fresh!);
    const before = server.stats.httpRequests;
    r.fallback.catchUp(old!.chartNumber);
    await waitUntil(() => asked.length === 1, 'the old read started');
    r.fallback.reset();
    release();
    // Barrier: a read of the new session, started after the old one was let go.
    r.fallback.catchUp(fresh!.chartNumber);
    await waitUntil(() => r.applied.length === 1, 'the new read applied');
    await settle();
    expect(r.applied).toEqual([truth(server, fresh!.jobId)]);
    expect(server.stats.httpRequests - before).toBe(1);
    expect(r.logger.lines).toEqual([]);
  });

  it('ignores an answer that arrives after the reset even when the request could not be aborted', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const [old, fresh] = await uploadJobs(server.url, ['LATE-OLD', 'LATE-NEW']);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let answered = 0;
    // Like a proxy stack that does not honour abort: the answer comes anyway.
    const deafFetch: typeof fetch = async (url, init) => {
      const response = await fetch(url, { ...init, signal: null });
      answered += 1;
      if (answered === 1) await gate;
      return response;
    };
    const r = rig(server.url, { fetchImpl: deafFetch });
    r.track(old!);
    r.track(fresh!);
    r.fallback.catchUp(old!.chartNumber);
    await waitUntil(() => answered === 1, 'the old answer is here');
    r.fallback.reset();
    release();
    r.fallback.catchUp(fresh!.chartNumber);
    await waitUntil(() => r.applied.length === 1, 'the new read applied');
    await settle();
    expect(r.applied.map((a) => a.jobId)).toEqual([fresh!.jobId]);
    expect(r.jobs.get(old!.jobId)?.state.seq).toBeNull();
  });

  it('stops polling and leaves no timer', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const job = await uploadJob(server.url, 'RESET-POLL');
    const r = rig(server.url);
    r.track(job);
    r.fallback.poll();
    expect(r.fallback.pendingTimers).toBeGreaterThan(0);
    r.fallback.reset();
    expect(r.fallback.polling).toBe(false);
    expect(r.fallback.pendingTimers).toBe(0);
    const before = server.stats.httpRequests;
    r.clock.advance(60_000);
    await settle();
    expect(server.stats.httpRequests).toBe(before);
  });
});

describe('what the operator log says when tracking falls back to REST', () => {
  it('names polling when the socket is refused and connected when it is back, never a chart number', async () => {
    const server = await startServer({ phaseMs: 60_000, webSocket: false });
    const job = await uploadJob(server.url, 'LOG-CHART-77');
    const logger = memoryLogger();
    const m = new ConnectionManager({
      baseUrl: server.url,
      logger,
      random: seededRandom(3),
      timings: { backoffBaseMs: 50, backoffCapMs: 300, pollIntervalMs: 200, pollMaxRequestsPerSecond: 20 },
    });
    onTestFinished(() => m.dispose());
    m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await waitUntil(() => m.state.state === 'polling' && m.stats.httpRequests > 0, 'polling');
    server.setWebSocket(true);
    await waitUntil(() => m.state.state === 'connected', 'socket back');

    const states = logger.lines.filter((line) => line.startsWith('info connection state')).map((line) => JSON.parse(line.slice('info connection state '.length)).state);
    expect(states[0]).toBe('connecting');
    expect(states).toContain('polling');
    expect(states.at(-1)).toBe('connected');
    expect(logger.lines.some((line) => line.startsWith('info connection lost'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain('LOG-CHART-77');
    expect(logger.lines.join('\n')).not.toContain(job.jobId);
  });
});
