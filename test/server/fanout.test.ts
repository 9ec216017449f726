/**
 * Fan-out under load: 50 connections × 20 subscriptions each. Every client
 * sees every update of every job it follows exactly once, in seq order.
 */
import { describe, expect, it } from 'vitest';
import { type ReferenceServer } from '../../src/server/index';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';
import { WsProbe } from './fixtures/wsProbe';

const CLIENTS = 50;
const JOBS = 20;

async function createJobs(server: ReferenceServer): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart(`FAN-${i}`), documentPart(pdfWithPages(1))]);
    ids.push((reply.body as { jobId: string }).jobId);
  }
  return ids;
}

async function subscribeAll(server: ReferenceServer, jobIds: string[]): Promise<WsProbe[]> {
  const probes = await Promise.all(Array.from({ length: CLIENTS }, () => WsProbe.open(server.wsUrl)));
  for (const probe of probes) for (const jobId of jobIds) probe.subscribe(jobId);
  await waitFor(() => probes.every((p) => p.of('subscribed').length === JOBS), 'every subscription acked', 60_000);
  return probes;
}

function seqsSeen(probe: WsProbe, jobId: string): number[] {
  return probe.of('status_update', jobId).map((frame) => frame.seq as number);
}

describe('fan-out', () => {
  it('delivers every pushed update to every subscriber exactly once', async () => {
    const server = await startServer({ phaseMs: 600_000 });
    const jobIds = await createJobs(server);
    const probes = await subscribeAll(server, jobIds);
    const phases = ['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed', 'saving_results'];
    for (const phase of phases) for (const jobId of jobIds) server.emitStatus?.(jobId, 'processing', phase);
    for (const jobId of jobIds) server.emitStatus?.(jobId, 'completed', 'completed');

    const expected = CLIENTS * JOBS * 7;
    await waitFor(() => probes.reduce((n, p) => n + p.of('status_update').length, 0) >= expected, `${expected} updates`, 60_000);
    for (const probe of probes) {
      for (const jobId of jobIds) expect(seqsSeen(probe, jobId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(probe.of('status_update')).toHaveLength(JOBS * 7);
      expect(probe.of('error')).toHaveLength(0);
    }
    probes.forEach((p) => p.close());
  });

  it('while the pipeline runs, each subscriber gets every update after its snapshot exactly once', async () => {
    const server = await startServer({ phaseMs: 25 });
    const jobIds = await createJobs(server);
    const probes = await subscribeAll(server, jobIds);
    await waitFor(() => server.jobs().every((job) => job.status === 'completed'), 'all jobs completed', 60_000);
    await waitFor(
      () => probes.every((p) => jobIds.every((id) => p.of('status_update', id).at(-1)?.seq === 7 || p.of('subscribed', id)[0]?.seq === 7)),
      'every client saw every job complete',
      60_000,
    );
    for (const probe of probes) {
      for (const jobId of jobIds) {
        const snapshotSeq = probe.of('subscribed', jobId)[0]?.seq as number;
        const expected = Array.from({ length: 7 - snapshotSeq }, (_, i) => snapshotSeq + 1 + i);
        expect(seqsSeen(probe, jobId)).toEqual(expected);
      }
    }
    probes.forEach((p) => p.close());
  });
});
