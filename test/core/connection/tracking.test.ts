/**
 * The engine against the real reference server (in-process) on loopback:
 * jobs reach their final state, nothing goes backwards, and a healthy socket
 * costs zero HTTP requests.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import type { ServerJobState } from '../../../src/shared/jobState';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { startServer } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { uploadJob, uploadJobs } from './uploadJobs';
import { waitUntil } from './waitUntil';
import { seededRandom } from '../../support/seededRandom';

function manager(options: ConnectionManagerOptions): ConnectionManager {
  const m = new ConnectionManager(options);
  onTestFinished(() => m.dispose());
  return m;
}

function record(m: ConnectionManager): { updates: ServerJobState[]; states: ConnectionState[] } {
  const updates: ServerJobState[] = [];
  const states: ConnectionState[] = [];
  m.onJob((job) => updates.push(job));
  m.onState((state) => states.push(state));
  return { updates, states };
}

describe('ConnectionManager against the reference server', () => {
  it('follows jobs to completed over one socket with zero HTTP requests', async () => {
    const server = await startServer({ phaseMs: 30 });
    const jobs = await uploadJobs(server.url, ['C-1', 'C-2', 'C-2', 'C-3']);
    const before = server.stats.httpRequests;
    const m = manager({ baseUrl: server.url });
    const { updates, states } = record(m);
    m.start();
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'completed'), 'all jobs completed');

    expect(server.stats.httpRequests - before).toBe(0);
    expect(m.stats.httpRequests).toBe(0);
    expect(server.stats.wsConnections).toBe(1);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    await m.dispose();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'stopped']);
    expect(states.every((s) => s.reason.length > 0)).toBe(true);
    for (const job of jobs) {
      const seqs = updates.filter((u) => u.jobId === job.jobId).map((u) => u.seq ?? -1);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      const final = m.job(job.jobId)!;
      expect(final.phaseSeenAt).toHaveProperty('completed');
      expect(server.jobs().find((s) => s.jobId === job.jobId)?.seq).toBe(final.seq);
    }
  });

  it('catches up over REST when the ack carries no snapshot, and only then', async () => {
    const server = await startServer({ phaseMs: 20, snapshot: false });
    const job = await uploadJob(server.url, 'NOSNAP-1');
    await waitUntil(() => server.jobs().find((j) => j.jobId === job.jobId)?.status === 'completed', 'server finished the job');
    const m = manager({ baseUrl: server.url });
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed from REST catch-up');
    expect(m.stats.httpRequests).toBe(1);
  });

  it('a subscribe racing a status update (ack held back) still ends in the right state', async () => {
    const server = await startServer({ phaseMs: 40 });
    const relay = await startWsRelay({ target: () => server.wsUrl, random: seededRandom(3) });
    onTestFinished(() => relay.close());
    const jobs = await uploadJobs(server.url, ['RACE-1', 'RACE-2', 'RACE-3']);
    relay.setAckDelay(150);
    const m = manager({ baseUrl: server.url, wsUrl: relay.url });
    const { updates } = record(m);
    m.start();
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'completed'), 'all completed');
    for (const job of jobs) {
      const seqs = updates.filter((u) => u.jobId === job.jobId).map((u) => u.seq!);
      for (let i = 1; i < seqs.length; i += 1) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
    }
    expect(relay.stats.doubleSubscribes).toBe(0);
    // The race really happened: held-back acks carried snapshots older than updates already applied.
    expect(m.stats.staleDropped).toBeGreaterThan(0);
  });

  it('counts bad frames without chart numbers in logs and keeps the connection', async () => {
    const server = await startServer({ phaseMs: 1_000 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const job = await uploadJob(server.url, 'SECRET-CHART-42');
    const lines: string[] = [];
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    const m = manager({ baseUrl: server.url, wsUrl: relay.url, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } });
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected' && relay.openConnections === 1, 'connected');
    relay.injectToClients('not json');
    relay.injectToClients(JSON.stringify({ type: 'mystery', jobId: job.jobId }));
    relay.injectToClients(JSON.stringify({ type: 'status_update', jobId: job.jobId }));
    relay.injectToClients(JSON.stringify({ type: 'status_update', jobId: 'nobody', status: 'processing', phase: 'ocr_started', timestamp: new Date().toISOString(), seq: 1 }));
    relay.injectToClients(JSON.stringify([1, 2, 3]));
    relay.injectToClients(Buffer.alloc(16), { binary: true });
    relay.injectToClients(JSON.stringify({ type: 'error', message: 'x'.repeat(2 * 1024 * 1024) }));
    await waitUntil(() => m.stats.badFrames === 7, 'seven bad frames counted');
    expect(m.state.state).toBe('connected');
    expect(relay.stats.connections).toBe(1);
    expect(lines.join('\n')).not.toContain('SECRET-CHART-42');
    expect(lines.some((l) => l.includes('bad frame'))).toBe(true);
  });

  it('a frame beyond the payload limit ends only that socket: counted, then reconnected', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const m = manager({ baseUrl: server.url, wsUrl: relay.url, timings: { backoffBaseMs: 10, backoffCapMs: 50 } });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    relay.injectToClients(JSON.stringify({ type: 'error', message: 'x'.repeat(5 * 1024 * 1024) }));
    await waitUntil(() => relay.stats.connections === 2 && m.state.state === 'connected', 'reconnected');
    expect(m.stats.badFrames).toBe(1);
  });

  it('track() with a known state: a final job is not subscribed, an open one is not moved back by an older snapshot', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const [open, done] = await uploadJobs(server.url, ['KNOWN-1', 'KNOWN-2']);
    const m = manager({ baseUrl: server.url, wsUrl: relay.url });
    const { updates } = record(m);
    const known = (jobId: string, status: string, seq: number): ServerJobState => ({
      jobId, status, phase: status, message: '', timestamp: new Date().toISOString(), seq,
      attempt: null, maxAttempts: null, willRetry: false, phaseSeenAt: {},
    });
    m.track(open!.jobId, { chartNumber: open!.chartNumber }, known(open!.jobId, 'processing', 50));
    m.track(done!.jobId, { chartNumber: done!.chartNumber }, known(done!.jobId, 'completed', 60));
    m.start();
    await waitUntil(() => m.state.state === 'connected' && relay.stats.subscribes === 1, 'one subscribe');
    await waitUntil(() => m.stats.staleDropped === 1, 'the older snapshot dropped');
    expect(m.job(open!.jobId)?.seq).toBe(50);
    expect(m.job(done!.jobId)?.status).toBe('completed');
    expect(updates).toEqual([]);
  });

  it('subscribes in batches of 50, each batch only after the acks of the one before', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const jobs = await uploadJobs(server.url, Array.from({ length: 120 }, (_, i) => `BATCH-${i}`));
    relay.setAckDelay(300);
    const m = manager({ baseUrl: server.url, wsUrl: relay.url });
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await waitUntil(() => relay.stats.subscribes === 120 && jobs.every((j) => m.job(j.jobId)?.seq !== null), 'all subscribed and caught up');
    // Batch n went out only once every ack of batch n-1 had reached the client.
    expect(relay.subscribeLog.map((s, i) => s.acksDeliveredBefore >= Math.floor(i / 50) * 50)).toEqual(relay.subscribeLog.map(() => true));
    // And each batch went out whole, before any of its own acks came back.
    expect(relay.subscribeLog.map((s, i) => s.acksDeliveredBefore <= Math.floor(i / 50) * 50)).toEqual(relay.subscribeLog.map(() => true));
    expect(relay.stats.doubleSubscribes).toBe(0);
    expect(m.stats.subscribesSent).toBe(120);
    expect(m.stats.httpRequests).toBe(0);
  });
});
