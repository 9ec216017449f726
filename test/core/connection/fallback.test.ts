/**
 * The REST fallback and server switching against the real reference server,
 * with real time and shrunk timings (the default numbers are asserted in
 * backoff.test.ts and the rate rules with fake time in poller.test.ts).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { initialServerJob } from '../../../src/shared/jobState';
import { startServer } from '../../support/referenceServer';
import { uploadJob, uploadJobs } from './uploadJobs';
import { waitUntil } from './waitUntil';
import { seededRandom } from '../../support/seededRandom';

const fast = { backoffBaseMs: 50, backoffCapMs: 300, pollIntervalMs: 200, pollMaxRequestsPerSecond: 20 };

function manager(options: ConnectionManagerOptions): ConnectionManager {
  const m = new ConnectionManager({ random: seededRandom(11), timings: fast, ...options });
  onTestFinished(() => m.dispose());
  return m;
}

describe('REST polling fallback', () => {
  it('carries jobs while the WebSocket endpoint is off, within the rate limits, and stops the moment the socket is back', async () => {
    const requestTimes: number[] = [];
    const server = await startServer({ phaseMs: 150, log: () => requestTimes.push(Date.now()) });
    const jobs = await uploadJobs(server.url, ['P-1', 'P-1', 'P-2', 'P-2', 'P-3', 'P-3']);
    requestTimes.length = 0;
    const httpBefore = server.stats.httpRequests;
    server.setWebSocket(false);
    const m = manager({ baseUrl: server.url });
    const states: ConnectionState[] = [];
    m.onState((s) => states.push(s));
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();

    await waitUntil(() => m.state.state === 'polling', 'polling');
    await waitUntil(() => jobs.some((j) => (m.job(j.jobId)?.seq ?? 0) >= 2), 'progress seen over REST');
    expect(m.stats.httpRequests).toBeGreaterThan(0);
    expect(m.stats.requestsSavedBySharing).toBeGreaterThan(0);

    server.setWebSocket(true);
    await waitUntil(() => m.state.state === 'connected', 'socket back');
    const httpAtReconnect = server.stats.httpRequests;
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'completed'), 'all completed over the socket');
    expect(server.stats.httpRequests).toBe(httpAtReconnect);

    // Engine and server agree on what was sent; 3 charts for 6 jobs: shared reads.
    expect(server.stats.httpRequests - httpBefore).toBe(m.stats.httpRequests);
    // At most 20 per second (the shrunk limit) as seen by the server, with slack for a loaded machine.
    for (let i = 0; i < requestTimes.length; i += 1) {
      expect(requestTimes.filter((t) => t >= requestTimes[i]! && t < requestTimes[i]! + 1_000).length).toBeLessThanOrEqual(24);
    }
    expect(states.map((s) => s.state)).toContain('polling');
    expect(states.at(-1)?.state).toBe('connected');
  });

  it('polling alone carries jobs to their end when the socket never comes back', async () => {
    const server = await startServer({ phaseMs: 20, webSocket: false, failPlan: ({ jobIndex }) => (jobIndex === 1 ? 99 : 0), maxAttempts: 2 });
    const jobs = await uploadJobs(server.url, ['Q-1', 'Q-2', 'Q-3']);
    const m = manager({ baseUrl: server.url });
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await waitUntil(() => jobs.every((j) => ['completed', 'failed'].includes(m.job(j.jobId)?.status ?? '') && !m.job(j.jobId)?.willRetry), 'all ended');
    for (const job of jobs) {
      const truth = server.jobs().find((s) => s.jobId === job.jobId)!;
      expect(m.job(job.jobId)?.status).toBe(truth.status);
      expect(m.job(job.jobId)?.seq).toBe(truth.seq);
    }
    expect(jobs.map((j) => m.job(j.jobId)?.status).sort()).toEqual(['completed', 'completed', 'failed']);
    // Nothing open any more: polling stops, the state says reconnecting.
    await waitUntil(() => m.state.state === 'reconnecting', 'no more polling');
    const settled = m.stats.httpRequests;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(m.stats.httpRequests).toBe(settled);
  });
});

describe('full-state reads', () => {
  it('an ack snapshot that jumps over seq numbers is the whole state: no REST catch-up follows', async () => {
    const server = await startServer({ phaseMs: 10 });
    const job = await uploadJob(server.url, 'JUMP-1');
    await waitUntil(() => server.jobs().find((s) => s.jobId === job.jobId)?.status === 'completed', 'the server finished the job');
    const httpBefore = server.stats.httpRequests;
    const m = manager({ baseUrl: server.url });
    // As restored from an earlier run that last saw seq 1.
    m.track(job.jobId, { chartNumber: job.chartNumber }, { ...initialServerJob(job.jobId), status: 'processing', phase: 'processing', seq: 1 });
    m.start();
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed from the ack snapshot');
    // Barrier: a second job's ack arrives after anything the first one set off had started.
    const later = await uploadJob(server.url, 'JUMP-2');
    m.track(later.jobId, { chartNumber: later.chartNumber });
    await waitUntil(() => m.job(later.jobId)?.status === 'completed', 'the second job completed');
    expect(m.stats.httpRequests).toBe(0);
    expect(server.stats.httpRequests - httpBefore).toBe(1); // the barrier's own upload
  });
});

describe('setServer', () => {
  it('switches backend without a restart and subscribes the wanted jobs there', async () => {
    const first = await startServer({ phaseMs: 60_000 });
    const second = await startServer({ phaseMs: 20 });
    const job = await uploadJob(second.url, 'SWITCH-1');
    const secondHttpBefore = second.stats.httpRequests;
    const m = manager({ baseUrl: first.url });
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected', 'connected to the first server');
    m.setServer({ baseUrl: second.url });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed on the second server');
    expect(second.stats.wsConnections).toBe(1);
    // The first server did not know the job (error frame → one REST look, a 404 there);
    // the second one served it over the socket alone.
    expect(m.stats.httpRequests).toBeLessThanOrEqual(1);
    expect(second.stats.httpRequests).toBe(secondHttpBefore);
  });

  it('an unusable WebSocket URL is a failed attempt, not a crash; setServer fixes it', async () => {
    const server = await startServer({ phaseMs: 20 });
    const job = await uploadJob(server.url, 'BADURL-1');
    const m = manager({ baseUrl: server.url, wsUrl: 'ftp://127.0.0.1/nope' });
    m.track(job.jobId, { chartNumber: job.chartNumber });
    expect(() => m.start()).not.toThrow();
    expect(['reconnecting', 'polling']).toContain(m.state.state);
    expect(() => m.setServer({ baseUrl: 'not a url' })).toThrow();
    m.setServer({ baseUrl: server.url });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed after the fix');
    expect(m.state.state).toBe('connected');
  });
});
