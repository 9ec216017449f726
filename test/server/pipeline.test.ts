/**
 * A job's life over real HTTP and WebSocket: every phase in order with seq
 * growing by one, retries from the failure plan, final failure, and the
 * results the status endpoint computes from the stored bytes.
 */
import { describe, expect, it } from 'vitest';
import { type StatusBody, type StatusJobEntry } from '../../src/server/index';
import { PIPELINE_PHASES } from '../../src/shared/phases';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { jpegBytes, pdfWithPages, sha256 } from './fixtures/sampleDocuments';
import { WsProbe } from './fixtures/wsProbe';

const PHASE_MS = 30;
/** For tests that must see a failure frame: the first failure comes 5 phases after upload, time enough to subscribe. */
const SLOW_PHASE_MS = 150;

async function upload(url: string, chartNumber: string, files = [documentPart(pdfWithPages(2))]): Promise<string> {
  const reply = await postMultipart(`${url}/documents/upload`, [chartPart(chartNumber), ...files]);
  expect(reply.status).toBe(201);
  return (reply.body as { jobId: string }).jobId;
}

async function getStatus(url: string, chartNumber: string): Promise<{ status: number; body: StatusBody }> {
  const res = await fetch(`${url}/documents/status/${chartNumber}`);
  return { status: res.status, body: (await res.json()) as StatusBody };
}

describe('job pipeline', () => {
  it('runs an upload through every phase in order, seq growing by one, timestamps strictly increasing', async () => {
    // A long first phase gives the test time to subscribe before anything moves, even on a loaded machine.
    const server = await startServer({ phaseMs: 500 });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-1');
    probe.subscribe(jobId);
    const ack = await probe.next((f) => f.type === 'subscribed', 'subscribed ack');
    expect(ack).toMatchObject({ jobId, status: 'queued', phase: 'queued', seq: 0 });

    await probe.next((f) => f.type === 'status_update' && f.status === 'completed', 'completed', 30_000);
    const updates = probe.of('status_update', jobId);
    expect(updates.map((u) => u.phase)).toEqual([...PIPELINE_PHASES]);
    expect(updates.map((u) => u.status)).toEqual([...Array(6).fill('processing'), 'completed']);
    expect(updates.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const times = updates.map((u) => Date.parse(u.timestamp ?? ''));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
    probe.close();
  });

  it('retries a failing attempt and then succeeds (failPlan 1)', async () => {
    const server = await startServer({ phaseMs: SLOW_PHASE_MS, maxAttempts: 3, failPlan: () => 1 });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-2');
    probe.subscribe(jobId);
    await probe.next((f) => f.type === 'status_update' && f.status === 'completed', 'completed', 30_000);

    const updates = probe.of('status_update', jobId);
    const failures = updates.filter((u) => u.status === 'failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ phase: 'failed', attempt: 1, maxAttempts: 3, willRetry: true });
    expect(failures[0]?.message).toMatch(/attempt 1 of 3.*retrying/);
    const afterFailure = updates.slice(updates.indexOf(failures[0]!) + 1);
    expect(afterFailure[0]).toMatchObject({ phase: 'processing', status: 'processing' });
    expect(afterFailure.map((u) => u.phase)).toEqual([...PIPELINE_PHASES]);
    // The subscription may miss the very first updates; the seqs it saw still climb by one.
    const seqs = updates.map((u) => u.seq as number);
    seqs.forEach((seq, i) => i > 0 && expect(seq).toBe((seqs[i - 1] as number) + 1));

    const { body } = await getStatus(server.url, 'CH-2');
    expect(body.jobs[0]).toMatchObject({ jobId, status: 'completed', attempt: 2, maxAttempts: 3, willRetry: false });
    probe.close();
  });

  it('fails for good when every attempt fails (failPlan >= maxAttempts)', async () => {
    const server = await startServer({ phaseMs: SLOW_PHASE_MS, maxAttempts: 2, failPlan: () => 5 });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-3');
    probe.subscribe(jobId);
    await probe.next((f) => f.type === 'status_update' && f.willRetry === false, 'final failure', 30_000);

    const failures = probe.of('status_update', jobId).filter((u) => u.status === 'failed');
    expect(failures.map((f) => [f.attempt, f.maxAttempts, f.willRetry])).toEqual([
      [1, 2, true],
      [2, 2, false],
    ]);
    expect(failures[1]?.message).toMatch(/no retries left/);
    // Nothing follows a final failure.
    const countAtEnd = probe.of('status_update', jobId).length;
    await new Promise((resolve) => setTimeout(resolve, SLOW_PHASE_MS * 3));
    expect(probe.of('status_update', jobId)).toHaveLength(countAtEnd);

    const { body } = await getStatus(server.url, 'CH-3');
    expect(body.jobs[0]).toMatchObject({ status: 'failed', phase: 'failed', attempt: 2, willRetry: false });
    expect(body.results).toBeNull();
    // A late subscriber gets the failure with its retry fields in the snapshot.
    probe.subscribe(jobId);
    const ack = await probe.nth('subscribed', 2);
    expect(ack).toMatchObject({ status: 'failed', attempt: 2, maxAttempts: 2, willRetry: false });
    probe.close();
  });

  it('failRate with an injected random fails attempts where random() < failRate', async () => {
    const draws = [0.1, 0.9]; // attempt 1 fails, attempt 2 succeeds
    const server = await startServer({ phaseMs: PHASE_MS, failRate: 0.5, random: () => draws.shift() ?? 0.9 });
    const jobId = await upload(server.url, 'CH-4');
    await waitForJob(server.url, 'CH-4', (job) => job.status === 'completed');
    const { body } = await getStatus(server.url, 'CH-4');
    expect(body.jobs[0]).toMatchObject({ jobId, attempt: 2 });
  });

  it('reports results the server computed: sha256, detected type, PDF page counts, phase times', async () => {
    const server = await startServer({ phaseMs: PHASE_MS });
    const threePages = pdfWithPages(3);
    const twelvePages = pdfWithPages(12, 100_000); // big enough to cross stream chunks
    const photo = jpegBytes(500);
    const jobId = await upload(server.url, 'CH-5', [
      documentPart(threePages, 'a.pdf'),
      documentPart(twelvePages, 'b.pdf'),
      documentPart(photo, 'c.jpg'),
    ]);
    const before = await getStatus(server.url, 'CH-5');
    expect(before.body.results).toBeNull();

    await waitForJob(server.url, 'CH-5', (job) => job.status === 'completed');
    const { body } = await getStatus(server.url, 'CH-5');
    const results = body.results?.[jobId];
    if (results === undefined) throw new Error('no results for the completed job');
    expect(results.documents).toEqual([
      { name: 'a.pdf', size: threePages.length, type: 'pdf', sha256: sha256(threePages), pages: 3 },
      { name: 'b.pdf', size: twelvePages.length, type: 'pdf', sha256: sha256(twelvePages), pages: 12 },
      { name: 'c.jpg', size: photo.length, type: 'jpeg', sha256: sha256(photo), pages: null },
    ]);
    expect(results.phases.map((p) => p.phase)).toEqual([...PIPELINE_PHASES]);
    for (const phase of results.phases) expect(Date.parse(phase.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(phase.startedAt));
  });

  it('keeps several jobs of one chart apart in the status body', async () => {
    const server = await startServer({ phaseMs: PHASE_MS });
    const first = await upload(server.url, 'CH-6');
    const second = await upload(server.url, 'CH-6');
    await waitForJob(server.url, 'CH-6', (job) => job.jobId === second && job.status === 'completed');
    await waitForJob(server.url, 'CH-6', (job) => job.jobId === first && job.status === 'completed');
    const { body } = await getStatus(server.url, 'CH-6');
    expect(body.jobs.map((job) => job.jobId)).toEqual([first, second]);
    expect(Object.keys(body.results ?? {}).sort()).toEqual([first, second].sort());
    expect(server.jobs().filter((job) => job.chartNumber === 'CH-6')).toHaveLength(2);
  });
});

async function waitForJob(url: string, chartNumber: string, done: (job: StatusJobEntry) => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { status, body } = await getStatus(url, chartNumber);
    if (status === 200 && body.jobs.some(done)) return;
    if (Date.now() > deadline) throw new Error(`job of ${chartNumber} never reached the wanted state`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
