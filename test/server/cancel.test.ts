/**
 * PROTOCOL.md §4 conformance of the reference server: POST .../jobs/<jobId>/cancel
 * answers 202 and ends the job with one last `cancelled` update (seq + 1, final,
 * nothing after it, kept across a restart); 409 for a job already final; 404 for an
 * unknown job; 501 from a server without the extension; the token guards it like
 * every other route.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { type StatusBody } from '../../src/server/index';
import { startServer } from '../support/referenceServer';
import { makeTempDir } from '../support/files';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { WsProbe } from './fixtures/wsProbe';

/** Long enough that nothing moves on its own while a test subscribes and cancels. */
const SLOW_PHASE_MS = 60_000;

async function upload(url: string, chartNumber: string, headers: Record<string, string> = {}): Promise<string> {
  const reply = await postMultipart(`${url}/documents/upload`, [chartPart(chartNumber), documentPart(pdfWithPages(2))], { headers });
  expect(reply.status).toBe(201);
  return (reply.body as { jobId: string }).jobId;
}

async function cancel(url: string, jobId: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/documents/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST', headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function statusOf(url: string, chartNumber: string): Promise<StatusBody> {
  return (await (await fetch(`${url}/documents/status/${chartNumber}`)).json()) as StatusBody;
}

describe('PROTOCOL.md §4: cancel', () => {
  it('202 "cancelling", then one last status_update cancelled/cancelled with the next seq; final from then on', async () => {
    const server = await startServer({ phaseMs: SLOW_PHASE_MS });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-C1');
    probe.subscribe(jobId);
    const ack = await probe.next((f) => f.type === 'subscribed', 'subscribed ack');
    expect(ack).toMatchObject({ status: 'queued', seq: 0 });

    expect(await cancel(server.url, jobId)).toEqual({ status: 202, body: { jobId, status: 'cancelling' } });
    const last = await probe.next((f) => f.type === 'status_update', 'cancelled update');
    expect(last).toMatchObject({ jobId, status: 'cancelled', phase: 'cancelled', seq: 1 });

    // Final: a second cancel is a conflict with the usual error body, and the status endpoint agrees.
    expect(await cancel(server.url, jobId)).toEqual({ status: 409, body: { error: 'job_final', message: expect.stringMatching(/already ended/) } });
    const body = await statusOf(server.url, 'CH-C1');
    expect(body.jobs[0]).toMatchObject({ jobId, status: 'cancelled', phase: 'cancelled', seq: 1 });
    // A late subscriber is told at once that it ended.
    probe.subscribe(jobId);
    expect(await probe.nth('subscribed', 2)).toMatchObject({ status: 'cancelled', phase: 'cancelled', seq: 1 });
    expect(probe.of('status_update', jobId)).toHaveLength(1);
    probe.close();
  });

  it('stops a job in the middle of its phases: no phase follows the cancelled update', async () => {
    const server = await startServer({ phaseMs: 40 });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-C2');
    probe.subscribe(jobId);
    await probe.next((f) => f.type === 'status_update' && f.phase === 'ocr_started', 'ocr_started', 30_000);
    expect((await cancel(server.url, jobId)).status).toBe(202);
    const cancelled = await probe.next((f) => f.type === 'status_update' && f.status === 'cancelled', 'cancelled');
    // The job would have completed within 5 more phases: wait that long and see that nothing came.
    await new Promise((resolve) => setTimeout(resolve, 40 * 8));
    const updates = probe.of('status_update', jobId);
    expect(updates.at(-1)).toEqual(cancelled);
    const seqs = updates.map((u) => u.seq as number);
    seqs.forEach((seq, i) => i > 0 && expect(seq).toBe((seqs[i - 1] as number) + 1));
    probe.close();
  });

  it('409 for a job that already completed', async () => {
    const server = await startServer({ phaseMs: 5 });
    const probe = await WsProbe.open(server.wsUrl);
    const jobId = await upload(server.url, 'CH-C3');
    probe.subscribe(jobId);
    await probe.next((f) => (f.type === 'status_update' || f.type === 'subscribed') && f.status === 'completed', 'completed', 30_000);
    const answer = await cancel(server.url, jobId);
    expect(answer.status).toBe(409);
    expect((await statusOf(server.url, 'CH-C3')).jobs[0]).toMatchObject({ status: 'completed' });
    probe.close();
  });

  it('404 for an unknown job, 405 for GET, and the token guards the route', async () => {
    const server = await startServer({ phaseMs: SLOW_PHASE_MS, token: 'secret-1' });
    const auth = { Authorization: 'Bearer secret-1' };
    expect(await cancel(server.url, 'no-such-job', auth)).toEqual({ status: 404, body: { error: 'not_found', message: 'This server has no job with that id.' } });
    const jobId = await upload(server.url, 'CH-C4', auth);
    expect((await cancel(server.url, jobId)).status).toBe(401);
    expect((await fetch(`${server.url}/documents/jobs/${jobId}/cancel`, { headers: auth })).status).toBe(405);
    expect((await cancel(server.url, jobId, auth)).status).toBe(202);
  });

  it('501 from a server without the extension; the job goes on', async () => {
    const server = await startServer({ phaseMs: SLOW_PHASE_MS, cancelling: false });
    const jobId = await upload(server.url, 'CH-C5');
    expect(await cancel(server.url, jobId)).toEqual({ status: 501, body: { error: 'not_implemented', message: expect.any(String) } });
    expect((await statusOf(server.url, 'CH-C5')).jobs[0]).toMatchObject({ status: 'queued' });
  });

  it('a cancelled job stays cancelled after a restart (not resumed)', async () => {
    const dir = await makeTempDir();
    onTestFinished(() => dir.remove());
    const dataDir = dir.path;
    const first = await startServer({ phaseMs: 40, dataDir });
    const jobId = await upload(first.url, 'CH-C6');
    expect((await cancel(first.url, jobId)).status).toBe(202);
    await first.close();
    const second = await startServer({ phaseMs: 40, dataDir });
    await new Promise((resolve) => setTimeout(resolve, 40 * 10)); // a resumed job would have completed by now
    expect((await statusOf(second.url, 'CH-C6')).jobs[0]).toMatchObject({ jobId, status: 'cancelled', seq: 1 });
  });
});
