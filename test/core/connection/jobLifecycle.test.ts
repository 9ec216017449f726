/**
 * What happens to a tracked job as it ends: completed jobs are unsubscribed,
 * a retrying failure stays followed, a final failure leaves the wanted set
 * but a newer update on the same socket still reopens it, and a seq gap is
 * filled over REST.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import type { ServerJobState } from '../../../src/shared/jobState';
import { startServer } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { uploadJob, uploadJobs } from './uploadJobs';
import { waitUntil } from './waitUntil';

async function setup(serverOptions: Parameters<typeof startServer>[0]) {
  const server = await startServer(serverOptions);
  const relay = await startWsRelay({ target: () => server.wsUrl });
  onTestFinished(() => relay.close());
  const m = new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url, timings: { backoffBaseMs: 20, backoffCapMs: 100 } });
  onTestFinished(() => m.dispose());
  const updates: ServerJobState[] = [];
  m.onJob((job) => updates.push(job));
  return { server, relay, m, updates };
}

/**
 * Tracks a fresh job and waits until its subscribe was answered. Resubscribes of
 * older jobs would go out in the first batch after the reconnect, before this
 * one's: once it is acked, anything wrongly sent has been counted.
 */
async function subscribeBarrier(baseUrl: string, m: ConnectionManager, chartNumber: string): Promise<void> {
  const fresh = await uploadJob(baseUrl, chartNumber);
  m.track(fresh.jobId, { chartNumber });
  await waitUntil(() => m.job(fresh.jobId)?.seq !== null && m.job(fresh.jobId)?.seq !== undefined, 'the barrier job was subscribed');
}

describe('job endings', () => {
  it('completed jobs are unsubscribed and not subscribed again after a reconnect', async () => {
    const { server, relay, m } = await setup({ phaseMs: 20 });
    const jobs = await uploadJobs(server.url, ['END-1', 'END-2', 'END-3']);
    m.start();
    for (const job of jobs) m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => jobs.every((j) => m.job(j.jobId)?.status === 'completed'), 'completed');
    await waitUntil(() => relay.stats.unsubscribes === 3, 'three unsubscribes');
    const subscribes = relay.stats.subscribes;
    relay.dropAll();
    await waitUntil(() => relay.stats.connections === 2 && m.state.state === 'connected', 'reconnected');
    await subscribeBarrier(server.url, m, 'END-BARRIER');
    expect(relay.stats.subscribes).toBe(subscribes + 1);
    expect(m.job(jobs[0]!.jobId)?.status).toBe('completed');
  });

  it('a failure with willRetry stays followed until the retry completes', async () => {
    const { server, m, updates } = await setup({ phaseMs: 20, maxAttempts: 3, failPlan: () => 1 });
    const job = await uploadJob(server.url, 'RETRY-1');
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed after a retry');
    const failure = updates.find((u) => u.status === 'failed');
    expect(failure).toMatchObject({ willRetry: true, attempt: 1, maxAttempts: 3 });
    // The retry's own phases followed the failure on the same subscription.
    const failedAt = updates.indexOf(failure!);
    expect(updates.slice(failedAt + 1).map((u) => u.phase)).toContain('processing');
    expect(updates.at(-1)?.status).toBe('completed');
  });

  it('a final failure leaves the wanted set, yet a newer update on the same socket reopens the job', async () => {
    const { server, relay, m } = await setup({ phaseMs: 20, maxAttempts: 2, failPlan: () => 99 });
    const job = await uploadJob(server.url, 'FINAL-1');
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.job(job.jobId)?.status === 'failed' && m.job(job.jobId)?.willRetry === false, 'failed for good');
    // Still subscribed on this socket: no unsubscribe went out.
    expect(relay.stats.unsubscribes).toBe(0);
    server.emitStatus!(job.jobId, 'processing', 'ocr_started', 'manual retry');
    await waitUntil(() => m.job(job.jobId)?.status === 'processing', 'reopened by a newer update');
    server.emitStatus!(job.jobId, 'failed', 'failed', 'gave up again');
    await waitUntil(() => m.job(job.jobId)?.status === 'failed', 'failed again');

    const subscribes = relay.stats.subscribes;
    relay.dropAll();
    await waitUntil(() => relay.stats.connections === 2 && m.state.state === 'connected', 'reconnected');
    await subscribeBarrier(server.url, m, 'FINAL-BARRIER');
    expect(relay.stats.subscribes).toBe(subscribes + 1);
    expect(m.state.state).toBe('connected');
  });

  it('a gap in seq is filled from REST, on a healthy socket too', async () => {
    const { server, relay, m, updates } = await setup({ phaseMs: 40 });
    relay.setFrameFilter((frame) => !(frame.type === 'status_update' && frame.phase === 'ocr_completed'));
    const job = await uploadJob(server.url, 'GAP-1');
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'completed');
    expect(relay.stats.filtered).toBe(1);
    expect(m.stats.httpRequests).toBe(1);
    const seqs = updates.map((u) => u.seq!);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(m.job(job.jobId)?.seq).toBe(server.jobs()[0]?.seq);
  });
});
