/**
 * POST /documents/upload and the REST error contract: every refusal is JSON
 * `{ error, message }` with the right status, and leaves nothing stored.
 */
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReferenceServer } from '../../src/server/index';
import { startServer } from '../support/referenceServer';
import { type Part, chartPart, documentPart, multipartStream, postMultipart, sendRequest } from './fixtures/multipartUpload';
import { jpegBytes, pdfWithPages, pngBytes, tiffBytes } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';

let dataDir: string;
let server: ReferenceServer;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'intake-upload-test-'));
  server = await startServer({
    dataDir,
    phaseMs: 60_000, // jobs stay queued: these tests look at the upload only
    limits: { maxFileBytes: 64 * 1024, maxRequestBytes: 256 * 1024, maxFiles: 5 },
  });
});

afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

const upload = (parts: Part[], headers?: Record<string, string>) =>
  postMultipart(`${server.url}/documents/upload`, parts, { headers });

function listUploads(): string[] {
  try {
    return readdirSync(join(dataDir, 'uploads'));
  } catch {
    return []; // not created before the first upload
  }
}

/** Staging folders and job folders under uploads/, once refusals had time to clean up. */
async function storedUploads(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const entries = listUploads();
    if (!entries.some((entry) => entry.startsWith('staging-')) || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectError(reply: { status: number; body: unknown }, status: number, error: string, message: RegExp): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toMatchObject({ error });
  expect((reply.body as { message: string }).message).toMatch(message);
}

describe('upload', () => {
  it('accepts PDF, PNG, JPEG and both TIFF byte orders and answers 201 with the job', async () => {
    const files = [pdfWithPages(1), pngBytes(), jpegBytes(), tiffBytes('II'), tiffBytes('MM')];
    const reply = await upload([
      chartPart('A.b_c-9'),
      ...files.map((bytes, i) => documentPart(bytes, `doc-${i}`)),
    ]);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      jobId: expect.any(String),
      chartNumber: 'A.b_c-9',
      documents: files.map((bytes, i) => ({ name: `doc-${i}`, size: bytes.length })),
      status: 'queued',
    });
    expect(server.stats.uploadsAccepted).toBe(1);
    expect(await storedUploads()).toEqual([(reply.body as { jobId: string }).jobId]);
  });

  it('accepts the chart number after the documents', async () => {
    const reply = await upload([documentPart(pdfWithPages(1)), chartPart('LATE-1')]);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ chartNumber: 'LATE-1' });
  });

  it('answers an idempotent repeat with 200, the same body and jobId, and holds one job', async () => {
    const parts = [chartPart('IDEM-1'), documentPart(pdfWithPages(2))];
    const headers = { 'Idempotency-Key': '8a4f6c1e-5b5e-4a57-9c1f-2d7d0f4a9b11' };
    const first = await upload(parts, headers);
    const second = await upload(parts, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(server.jobs()).toHaveLength(1);
    // Same key with another chart number: the original job is returned (documented choice), no second job.
    const third = await upload([chartPart('OTHER'), documentPart(pdfWithPages(2))], headers);
    expect(third.status).toBe(200);
    expect(third.body).toEqual(first.body);
    expect(server.jobs()).toHaveLength(1);
    expect(await storedUploads()).toHaveLength(1);
  });

  it('creates one job when two requests with the same key race', async () => {
    const parts = [chartPart('IDEM-2'), documentPart(pdfWithPages(3, 50_000))];
    const headers = { 'Idempotency-Key': 'race-key' };
    const replies = await Promise.all([upload(parts, headers), upload(parts, headers), upload(parts, headers)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const ids = new Set(replies.map((r) => (r.body as { jobId: string }).jobId));
    expect(ids.size).toBe(1);
    expect(server.jobs()).toHaveLength(1);
    expect(await storedUploads()).toEqual([...ids]);
  });

  it('refuses bad chart numbers with 400 and a specific message', async () => {
    expectError(await upload([chartPart('has space'), documentPart(pdfWithPages(1))]), 400, 'invalid_chart_number', /contains " "/);
    expectError(await upload([chartPart('x'.repeat(65)), documentPart(pdfWithPages(1))]), 400, 'invalid_chart_number', /65 characters/);
    expectError(await upload([documentPart(pdfWithPages(1))]), 400, 'invalid_chart_number', /required/);
    expect(server.jobs()).toHaveLength(0);
    expect(await storedUploads()).toEqual([]);
  });

  it('refuses an upload without documents, with a wrong file field, or with an empty file (400)', async () => {
    expectError(await upload([chartPart('C-1')]), 400, 'no_documents', /no documents/);
    expectError(
      await upload([chartPart('C-1'), { file: 'attachment', filename: 'x.pdf', content: pdfWithPages(1) }]),
      400,
      'bad_multipart',
      /"attachment".*"documents"/,
    );
    expectError(
      await upload([chartPart('C-1'), documentPart(pdfWithPages(1)), documentPart(Buffer.alloc(0))]),
      400,
      'bad_request',
      /Document 2 of 2 is empty/,
    );
    expectError(
      await upload([chartPart('C-1'), documentPart(pdfWithPages(1), `${'n'.repeat(300)}.pdf`)]),
      400,
      'bad_request',
      /name of 304 characters; at most 255/,
    );
    expect(server.jobs()).toHaveLength(0);
    expect(await storedUploads()).toEqual([]);
  });

  it('refuses malformed multipart and non-multipart bodies (400)', async () => {
    const truncated = Buffer.from('--b\r\nContent-Disposition: form-data; name="chartNumber"\r\n\r\nC-1\r\n--b\r\nContent-Disposition: form-data; name="documents"; filename="a.pdf"\r\n\r\n%PDF-1.4 no end');
    expectError(
      await sendRequest(`${server.url}/documents/upload`, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=b' }, body: truncated }),
      400,
      'bad_multipart',
      /malformed/,
    );
    expectError(
      await sendRequest(`${server.url}/documents/upload`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') }),
      400,
      'bad_multipart',
      /multipart\/form-data/,
    );
    expectError(
      await sendRequest(`${server.url}/documents/upload`, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; nothing=here' }, body: Buffer.from('x') }),
      400,
      'bad_multipart',
      /boundary/,
    );
    expect(await storedUploads()).toEqual([]);
  });

  it('refuses a document of an unaccepted type by its bytes, whatever its name says (415)', async () => {
    const reply = await upload([chartPart('C-1'), documentPart(Buffer.from('just text, not a PDF at all'), 'fake.pdf')]);
    expectError(reply, 415, 'unsupported_media_type', /Document 1 is not a PDF, TIFF, PNG or JPEG/);
    expect(await storedUploads()).toEqual([]);
  });

  it('refuses a too large document, too many documents and a too large request (413)', async () => {
    expectError(await upload([chartPart('C-1'), documentPart(pdfWithPages(1, 70 * 1024))]), 413, 'payload_too_large', /Document 1 is larger than 65536 bytes/);
    const six = Array.from({ length: 6 }, () => documentPart(pdfWithPages(1)));
    expectError(await upload([chartPart('C-1'), ...six]), 413, 'payload_too_large', /at most 5/);
    const fourBig = Array.from({ length: 4 }, () => documentPart(pdfWithPages(1, 63 * 1024)));
    const fiveBig = [...fourBig, documentPart(pdfWithPages(1, 63 * 1024))];
    expectError(await upload([chartPart('C-1'), ...fiveBig]), 413, 'payload_too_large', /262144 bytes/);
    // A Content-Length over the limit is refused before any byte is read.
    const header = await sendRequest(`${server.url}/documents/upload`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'Content-Length': String(10 * 1024 * 1024) },
      body: Buffer.alloc(0),
    });
    expectError(header, 413, 'payload_too_large', /10485760 bytes.*at most 262144/);
    expect(server.jobs()).toHaveLength(0);
    expect(await storedUploads()).toEqual([]);
  });

  it('deletes what it stored when the client goes away mid-upload', async () => {
    const req = request(`${server.url}/documents/upload`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=----intake-test-boundary-7d1e' },
    });
    req.on('error', () => {});
    const head = [chartPart('GONE-1'), documentPart(pdfWithPages(1, 40_000))];
    for await (const chunk of multipartStream(head)) {
      // Everything but the closing boundary: the server has a staging file open.
      if (chunk.toString('latin1').startsWith('------intake-test-boundary-7d1e--')) break;
      req.write(chunk);
    }
    await waitFor(() => listUploads().some((name) => name.startsWith('staging-')), 'staging folder created');
    req.destroy();
    await waitFor(() => listUploads().length === 0, 'staging folder removed');
    expect(server.jobs()).toHaveLength(0);
  });

  it('answers unknown routes with 404 JSON and wrong methods with 405 JSON', async () => {
    expectError(await sendRequest(`${server.url}/nothing/here`, { method: 'GET' }), 404, 'not_found', /No such endpoint/);
    const wrong = await sendRequest(`${server.url}/documents/upload`, { method: 'GET' });
    expectError(wrong, 405, 'method_not_allowed', /Use POST/);
    expect(wrong.headers.allow).toBe('POST');
    expect(server.stats.requestsByRoute['GET /api/documents/upload']).toBe(1);
    expectError(await sendRequest(`${server.url}/ws`, { method: 'GET' }), 426, 'upgrade_required', /WebSocket client/);
    expect(server.stats.httpRequests).toBe(3);
  });

  it('status: 400 on an invalid chart number, 404 JSON when the chart has no jobs', async () => {
    expectError(await sendRequest(`${server.url}/documents/status/bad%20chart`, { method: 'GET' }), 400, 'invalid_chart_number', /contains " "/);
    expectError(await sendRequest(`${server.url}/documents/status/NOBODY`, { method: 'GET' }), 404, 'not_found', /no jobs/);
  });
});

describe('bearer token', () => {
  it('answers 401 without a token, 403 with a wrong one, and serves the right one', async () => {
    const guarded = await startServer({ token: 's3cret', phaseMs: 60_000 });
    const parts = [chartPart('T-1'), documentPart(pdfWithPages(1))];
    const url = `${guarded.url}/documents/upload`;
    expectError(await postMultipart(url, parts), 401, 'unauthorized', /access token/);
    expectError(await postMultipart(url, parts, { headers: { Authorization: 'Bearer nope' } }), 403, 'forbidden', /not valid/);
    expect((await postMultipart(url, parts, { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(201);
    expectError(await sendRequest(`${guarded.url}/documents/status/T-1`, { method: 'GET' }), 401, 'unauthorized', /access token/);
    const allowed = await sendRequest(`${guarded.url}/documents/status/T-1`, { method: 'GET', headers: { Authorization: 'Bearer s3cret' } });
    expect(allowed.status).toBe(200);
  });
});
