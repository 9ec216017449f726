/**
 * The bytes on the wire: a tiny busboy server (receivingServer.ts) reads what
 * sendUpload sends, so Content-Length, part headers and file names are
 * checked by a real multipart parser, not by string comparison.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock';
import { sendUpload, type UploadFile } from '../../../src/core/upload/sendUpload';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';
import { FakeClock } from '../../support/fakeClock';
import { waitFor } from '../queue/waitFor';
import { answerJson, sha256 as sha, startReceivingServer, type ReceivingServer } from './receivingServer';

let dir: TempDir;
let server: ReceivingServer;
let baseUrl: string;

beforeEach(async () => {
  dir = await makeTempDir();
  server = await startReceivingServer();
  baseUrl = server.baseUrl;
});

afterEach(async () => {
  await server.close();
  await dir.remove();
});

async function uploadFile(name: string, content: Buffer, type: string): Promise<UploadFile> {
  const path = await dir.file(name, content);
  return { path, name, size: content.length, type };
}

describe('sendUpload', () => {
  it('sends an exact-length multipart body with the chart number, every file, the key and the token', async () => {
    const pdf = Buffer.concat([MAGIC.pdf, Buffer.alloc(700_000, 7)]);
    const png = Buffer.concat([MAGIC.png, Buffer.alloc(1234, 3)]);
    const files = [await uploadFile('Bericht Müller "1".pdf', pdf, 'pdf'), await uploadFile('scan.png', png, 'png')];
    const progress: number[] = [];
    const outcome = await sendUpload({
      baseUrl,
      token: 'sekret',
      idempotencyKey: 'key-1',
      chartNumber: 'CH_9.1-a',
      files,
      clock: systemClock,
      stallMs: 10_000,
      onProgress: (sent) => progress.push(sent),
    });
    expect(outcome).toEqual({ kind: 'accepted', jobId: 'job-42', httpStatus: 201, serverStatus: 'queued' });
    const [request] = server.received;
    expect(request!.headers['transfer-encoding']).toBeUndefined();
    expect(Number(request!.headers['content-length'])).toBe(request!.bodyBytes);
    expect(request!.headers['idempotency-key']).toBe('key-1');
    expect(request!.headers.authorization).toBe('Bearer sekret');
    expect(request!.fields).toEqual({ chartNumber: 'CH_9.1-a' });
    expect(request!.files).toEqual([
      { field: 'documents', filename: 'Bericht Müller "1".pdf', mimeType: 'application/pdf', size: pdf.length, sha256: sha(pdf) },
      { field: 'documents', filename: 'scan.png', mimeType: 'image/png', size: png.length, sha256: sha(png) },
    ]);
    expect(progress.at(-1)).toBe(request!.bodyBytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reports a server error body and its Retry-After', async () => {
    server.answer = (res) => answerJson(res, 429, { error: 'too_many_requests', message: 'Slow down.' }, { 'Retry-After': '3' });
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const outcome = await sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    expect(outcome).toEqual({ kind: 'http', httpStatus: 429, code: 'too_many_requests', message: 'Slow down.', retryAfter: '3' });
  });

  it('names an answer it cannot use: a 2xx without a job id, an error page that is not JSON', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const send = () => sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    server.answer = (res) => answerJson(res, 200, { status: 'queued' });
    // Accepted or not, the job is unknown: a retry with the same key tells.
    expect(await send()).toEqual({ kind: 'http', httpStatus: 502, code: 'bad_response', message: 'The server answered 200 without a job id.', retryAfter: null });
    server.answer = (res) => {
      res.writeHead(500, { 'Content-Type': 'text/html', 'Retry-After': '9' });
      res.end('<h1>Internal Server Error</h1>');
    };
    expect(await send()).toEqual({ kind: 'http', httpStatus: 500, code: 'http_500', message: 'The server answered HTTP 500.', retryAfter: '9' });
  });

  it('ends as a network problem when the server hangs up before answering or in the middle of its answer', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const send = () => sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    server.answer = (res) => res.socket?.destroy();
    expect(await send()).toMatchObject({ kind: 'network' });
    server.answer = (res) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"jobId":');
      setImmediate(() => res.socket?.destroy());
    };
    expect(await send()).toEqual({ kind: 'network', message: 'The connection was cut while the server was answering.' });
  });

  it('refuses to send a file that changed or vanished since it was checked', async () => {
    const file = await uploadFile('a.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(100)]), 'pdf');
    await writeFile(file.path, Buffer.concat([MAGIC.pdf, Buffer.alloc(50)]));
    const changed = await sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files: [file], clock: systemClock, stallMs: 10_000 });
    expect(changed).toMatchObject({ kind: 'file', code: 'file_changed' });
    const gone = await sendUpload({
      baseUrl,
      idempotencyKey: 'k',
      chartNumber: 'C',
      files: [{ ...file, path: `${dir.path}/nope.pdf` }],
      clock: systemClock,
      stallMs: 10_000,
    });
    expect(gone).toMatchObject({ kind: 'file', code: 'file_missing' });
    expect(server.received).toEqual([]);
  });

  it('ends as a network problem when nobody listens, and as aborted when asked', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const refused = await sendUpload({ baseUrl: 'http://127.0.0.1:1/api', idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    expect(refused).toEqual({ kind: 'network', message: 'The server 127.0.0.1:1 refused the connection (is it running?).' });
    const controller = new AbortController();
    controller.abort();
    const aborted = await sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000, signal: controller.signal });
    expect(aborted).toEqual({ kind: 'aborted' });
  });

  it('aborts as stalled after exactly stallMs without progress (fake clock, 30 s default)', async () => {
    const silent = createServer(() => undefined); // reads nothing, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const clock = new FakeClock();
      const files = [await uploadFile('a.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(2000)]), 'pdf')];
      let sent = 0;
      let total = -1;
      let outcome: unknown = null;
      const pending = sendUpload({
        baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api`,
        idempotencyKey: 'k',
        chartNumber: 'C',
        files,
        clock,
        stallMs: 30_000,
        onProgress: (bytes, all) => {
          sent = bytes;
          total = all;
        },
      }).then((result) => (outcome = result));
      // The small body fits in the socket buffers: once all of it is written, nothing moves any more.
      await waitFor(() => sent === total, 'whole body written');
      clock.advance(29_999);
      await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toBeNull();
      clock.advance(1);
      await pending;
      expect(outcome).toEqual({ kind: 'stalled' });
      expect(clock.pending).toBe(0);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
