/**
 * Many jobs at once: 500 jobs moving every 20 ms (a tenth of them retrying),
 * all followed on one socket: every job streams each update after its
 * snapshot exactly once. How responsive the server stays under load is a
 * benchmark figure (`npm run bench`, "server's own emitStatus → write"), not a
 * timed assertion here.
 */
import { describe, expect, it } from 'vitest';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';
import { WsProbe } from './fixtures/wsProbe';

const JOBS = 500;
const PARALLEL_UPLOADS = 10;

describe('many jobs', () => {
  it('streams 500 fast jobs, each update exactly once', async () => {
    const server = await startServer({ phaseMs: 20, failPlan: ({ jobIndex }) => (jobIndex % 10 === 0 ? 1 : 0) });
    const probe = await WsProbe.open(server.wsUrl);

    const jobIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL_UPLOADS }, async () => {
        while (next < JOBS) {
          const index = next++;
          const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart(`LOAD-${index}`), documentPart(pdfWithPages(2))]);
          expect(reply.status).toBe(201);
          const { jobId } = reply.body as { jobId: string };
          jobIds.push(jobId);
          probe.subscribe(jobId);
        }
      }),
    );
    await waitFor(() => server.jobs().every((job) => job.status === 'completed'), 'all jobs completed', 120_000);
    await waitFor(
      () => jobIds.every((id) => probe.of('status_update', id).at(-1)?.status === 'completed' || probe.of('subscribed', id)[0]?.status === 'completed'),
      'the client saw every job complete',
      60_000,
    );

    for (const jobId of jobIds) {
      const snapshotSeq = probe.of('subscribed', jobId)[0]?.seq as number;
      const seqs = probe.of('status_update', jobId).map((f) => f.seq as number);
      const finalSeq = seqs.at(-1) ?? snapshotSeq;
      expect(seqs).toEqual(Array.from({ length: finalSeq - snapshotSeq }, (_, i) => snapshotSeq + 1 + i));
    }
    expect(probe.of('error')).toEqual([]);
    probe.close();
  }, 180_000);
});
