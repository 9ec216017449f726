/**
 * The server speaks exactly what src/shared/protocol.ts parses: every frame
 * and body it produced during a job's life (with a retry) passes the shared
 * schemas, and the client's §2 reader finds the job with all its fields.
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  errorBodySchema,
  readJobFromStatusBody,
  serverMessageSchema,
  uploadResponseSchema,
} from '../../src/shared/protocol';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { WsProbe } from './fixtures/wsProbe';

describe('shared protocol schemas accept everything the server sends', () => {
  it('a queued job in the status body (attempt not started yet still reads as attempt 1)', async () => {
    const server = await startServer({ phaseMs: 600_000 });
    const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart('Q-1'), documentPart(pdfWithPages(1))]);
    const { jobId } = uploadResponseSchema.parse(reply.body);
    const body = await (await fetch(`${server.url}/documents/status/Q-1`)).json();
    expect(readJobFromStatusBody(body, jobId)).toMatchObject({ status: 'queued', seq: 0, attempt: 1, maxAttempts: 3, willRetry: false });
  });

  it('frames, upload body, status bodies and error bodies', async () => {
    // Slow enough that the subscription is in place before the first attempt fails (five phases in).
    const server = await startServer({ phaseMs: 120, failPlan: () => 1 });
    const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart('S-1'), documentPart(pdfWithPages(2))]);
    const uploaded = uploadResponseSchema.parse(reply.body);


    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe(uploaded.jobId);
    probe.send('not json');
    probe.subscribe('unknown');
    await probe.next((f) => f.type === 'status_update' && f.status === 'completed', 'completed', 30_000);
    probe.send({ type: 'unsubscribe', jobId: uploaded.jobId });
    await probe.nth('unsubscribed', 1);

    const types = new Set<string>();
    for (const frame of probe.frames) {
      const parsed = serverMessageSchema.safeParse(frame);
      expect(parsed.success, JSON.stringify(frame)).toBe(true);
      types.add(frame.type);
      if (frame.type === 'status_update') expect(frame.seq).toEqual(expect.any(Number));
    }
    expect([...types].sort()).toEqual(['error', 'status_update', 'subscribed', 'unsubscribed']);
    const failure = probe.of('status_update').find((f) => f.status === 'failed');
    expect(serverMessageSchema.parse(failure)).toMatchObject({ attempt: 1, maxAttempts: 3, willRetry: true });

    const done = await (await fetch(`${server.url}/documents/status/S-1`)).json();
    expect(readJobFromStatusBody(done, uploaded.jobId)).toMatchObject({
      status: 'completed',
      phase: 'completed',
      seq: probe.of('status_update').at(-1)?.seq,
      attempt: 2,
    });

    const refusals = [
      await postMultipart(`${server.url}/documents/upload`, [chartPart('bad chart'), documentPart(pdfWithPages(1))]),
      await postMultipart(`${server.url}/documents/upload`, [chartPart('S-1')]),
      await postMultipart(`${server.url}/documents/upload`, [chartPart('S-1'), documentPart(Buffer.from('text'))]),
    ];
    for (const refusal of refusals) {
      const body = errorBodySchema.parse(refusal.body);
      expect(ERROR_CODES).toContain(body.error);
      expect(body.message.length).toBeGreaterThan(10);
    }
    probe.close();
  });
});
