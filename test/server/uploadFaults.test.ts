/**
 * injectUploadFaults: each fault hits the next upload request, in order, and
 * then the server behaves normally again.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, multipartStream, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';

const parts = [chartPart('F-1'), documentPart(pdfWithPages(2, 300_000))];

describe('upload faults', () => {
  it('answers status faults at once, in order, with JSON and Retry-After, then accepts again', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    server.injectUploadFaults({ kind: 'status', status: 429, retryAfterSeconds: 7 }, { kind: 'status', status: 503 }, { kind: 'status', status: 500 }, { kind: 'status', status: 502 });
    const url = `${server.url}/documents/upload`;
    const first = await postMultipart(url, parts);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.body).toMatchObject({ error: 'too_many_requests', message: expect.any(String) });
    const second = await postMultipart(url, parts);
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBeUndefined();
    expect((await postMultipart(url, parts)).status).toBe(500);
    expect((await postMultipart(url, parts)).body).toMatchObject({ error: 'unavailable' });
    expect((await postMultipart(url, parts)).status).toBe(201);
    expect(server.jobs()).toHaveLength(1);
  });

  it('stall: reads nothing and never answers, so the client has to give up on its own', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    server.injectUploadFaults({ kind: 'stall' });
    let answered = false;
    const stalled = postMultipart(`${server.url}/documents/upload`, parts).then(
      () => (answered = true),
      () => 'aborted',
    );
    // While the stalled request hangs, a normal one goes through: the stall is per request.
    const normal = await postMultipart(`${server.url}/documents/upload`, parts);
    expect(normal.status).toBe(201);
    expect(answered).toBe(false);
    await server.close(); // closing ends the stalled connection, so the promise settles
    expect(await stalled).toBe('aborted');
  });

  it('reset: the connection is destroyed after the given number of body bytes', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    server.injectUploadFaults({ kind: 'reset', afterBytes: 100_000 });
    let sent = 0;
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${server.url}/documents/upload`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=----intake-test-boundary-7d1e' },
      });
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      void (async () => {
        for await (const chunk of multipartStream(parts)) {
          if (req.destroyed) return;
          sent += chunk.length;
          if (!req.write(chunk)) await new Promise((done) => req.once('drain', done));
        }
        req.end();
      })().catch(() => {});
    });
    expect(['ECONNRESET', 'EPIPE']).toContain(outcome);
    expect(sent).toBeGreaterThanOrEqual(100_000);
    expect(server.jobs()).toHaveLength(0);
    // The next upload is normal.
    expect((await postMultipart(`${server.url}/documents/upload`, parts)).status).toBe(201);
  });

  it('dropResponse: the job is created but the answer is lost; a retry with the same key gets it', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    server.injectUploadFaults({ kind: 'dropResponse' });
    const headers = { 'Idempotency-Key': 'lost-answer' };
    const lost = await postMultipart(`${server.url}/documents/upload`, parts, { headers }).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(lost).toBe('ECONNRESET');
    expect(server.jobs()).toHaveLength(1);
    const retry = await postMultipart(`${server.url}/documents/upload`, parts, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ jobId: server.jobs()[0]?.jobId, chartNumber: 'F-1' });
    expect(server.jobs()).toHaveLength(1);
  });
});
