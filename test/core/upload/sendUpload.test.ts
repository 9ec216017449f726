/**
 * The bytes on the wire: a tiny busboy server (receivingServer.ts) reads what
 * sendUpload sends, so Content-Length, part headers and file names are
 * checked by a real multipart parser, not by string comparison.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rename, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import { identityOf } from '../../../src/core/files/fileIdentity';
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
    expect(request!.headers.accept).toBe('application/json');
    expect(request!.fields).toEqual({ chartNumber: 'CH_9.1-a' });
    expect(request!.files).toEqual([
      { field: 'documents', filename: 'Bericht Müller "1".pdf', mimeType: 'application/pdf', size: pdf.length, sha256: sha(pdf) },
      { field: 'documents', filename: 'scan.png', mimeType: 'image/png', size: png.length, sha256: sha(png) },
    ]);
    expect(progress.at(-1)).toBe(request!.bodyBytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('always reports the last byte, however long the progress interval', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf'), await uploadFile('b.pdf', MAGIC.pdf, 'pdf')];
    const progress: number[] = [];
    const outcome = await sendUpload({
      baseUrl,
      idempotencyKey: 'k',
      chartNumber: 'C',
      files,
      clock: new FakeClock(),
      stallMs: 10_000,
      progressIntervalMs: 1e9,
      onProgress: (sent) => progress.push(sent),
    });
    expect(outcome).toMatchObject({ kind: 'accepted' });
    // The first bytes (nothing reported yet), then nothing until the very last byte.
    expect(progress).toHaveLength(2);
    expect(progress.at(-1)).toBe(server.received[0]!.bodyBytes);
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
    expect(await send()).toEqual({ kind: 'network', message: 'The connection was reset during the upload.' });
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

  it('names each document by its place in the job when it changed, vanished or cannot be read before sending', async () => {
    const first = await uploadFile('a.pdf', MAGIC.pdf, 'pdf');
    const second = await uploadFile('b.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(100)]), 'pdf');
    const send = (files: UploadFile[]) => sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    expect(await send([first, { ...second, size: 50 }])).toEqual({
      kind: 'file',
      code: 'file_changed',
      message: 'Document 2 changed size since it was added; add it again.',
    });
    expect(await send([first, { ...second, path: `${dir.path}/gone.pdf` }])).toEqual({
      kind: 'file',
      code: 'file_missing',
      message: 'Document 2 was moved or deleted before it could be sent.',
    });
    // A path through a file (ENOTDIR): there, but not readable as a document.
    expect(await send([first, { ...second, path: `${first.path}/b.pdf` }])).toEqual({ kind: 'file', code: 'file_unreadable', message: 'Document 2 can no longer be read.' });
    expect(server.received).toEqual([]);
  });

  it('sends nothing of a file replaced by another of the same size after it was checked', async () => {
    const file = await uploadFile('a.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(100, 1)]), 'pdf');
    const identity = identityOf(await stat(file.path));
    const other = await dir.file('other.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(100, 2)]));
    await rename(other, file.path);
    const outcome = await sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files: [{ ...file, identity }], clock: systemClock, stallMs: 10_000 });
    expect(outcome).toEqual({
      kind: 'file',
      code: 'file_changed',
      message: 'Document 1 was replaced by another file (or a link) after it was checked; nothing of it was sent. Add it again.',
    });
    expect(server.received).toEqual([]);
  });

  it('takes a 407 from a proxy it was not told about (an intercepting one) as the proxy asking for credentials', async () => {
    server.answer = (res) => answerJson(res, 407, { error: 'proxy', message: 'Proxy Authentication Required' });
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const outcome = await sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'http', httpStatus: 407, code: 'proxy_auth', retryAfter: null });
    expect(outcome).toMatchObject({ message: expect.stringMatching(/^The proxy wants credentials \(HTTP 407\) before it lets Intake reach 127\.0\.0\.1:/) });
  });

  it('a proxy that asks for credentials and then drops the connection mid-answer is still the proxy asking for credentials', async () => {
    // The 407 head and part of its page, then the connection ends (the body was taken first, so the
    // answer is what this test sees, never a reset of the body's last bytes).
    const proxy = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(407, { 'content-type': 'text/html', 'content-length': '1000', 'proxy-authenticate': 'Basic realm="clinic"' });
        res.write('<html>Proxy Authentication Required', () => req.socket.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const files = [await uploadFile('a.pdf', Buffer.concat([MAGIC.pdf, Buffer.alloc(4 * 2 ** 20, 1)]), 'pdf')];
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const outcome = await sendUpload({ baseUrl: url, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
      expect(outcome).toMatchObject({ kind: 'http', httpStatus: 407, code: 'proxy_auth', message: expect.stringMatching(/^The proxy wants credentials \(HTTP 407\)/) });
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('keeps the connection of an accepted upload for the next one', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const send = () => sendUpload({ baseUrl, idempotencyKey: 'k', chartNumber: 'C', files, clock: systemClock, stallMs: 10_000 });
    expect(await send()).toMatchObject({ kind: 'accepted' });
    expect(await send()).toMatchObject({ kind: 'accepted' });
    expect(server.received).toHaveLength(2);
    expect(server.connections).toBe(1);
  });

  it('speaks a dialect without batches: its path and field names, no batch field, and its job id field', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    const send = () =>
      sendUpload({ baseUrl, dialect: SOCKETIO_ROOMS, batchId: 'batch-1', idempotencyKey: 'k', chartNumber: 'C-1', files, clock: systemClock, stallMs: 10_000 });
    server.answer = (res) => answerJson(res, 201, { job_id: 'r-5', status: 'pending' });
    expect(await send()).toEqual({ kind: 'accepted', jobId: 'r-5', httpStatus: 201, serverStatus: 'pending' });
    expect(server.received[0]).toMatchObject({ path: '/api/v1/process-pdf', fields: { chart_number: 'C-1' } });
    expect(Object.keys(server.received[0]!.fields)).toEqual(['chart_number']);
    expect(server.received[0]!.files.map((file) => file.field)).toEqual(['file']);
    // The intake field is not this dialect's: no job id.
    server.answer = (res) => answerJson(res, 201, { jobId: 'r-6' });
    expect(await send()).toMatchObject({ kind: 'http', httpStatus: 502, code: 'bad_response' });
  });

  it('sends no batch field for a job outside any batch, even when the dialect has one', async () => {
    const files = [await uploadFile('a.pdf', MAGIC.pdf, 'pdf')];
    server.answer = (res) => answerJson(res, 201, { job_id: 'e-1', status: 'PENDING' });
    const outcome = await sendUpload({ baseUrl, dialect: SOCKETIO_EVENTS, idempotencyKey: 'k', chartNumber: 'C-2', files, clock: systemClock, stallMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'accepted', jobId: 'e-1' });
    expect(server.received[0]).toMatchObject({ path: '/api/jobs', fields: { chart_number: 'C-2' } });
    expect(Object.keys(server.received[0]!.fields)).toEqual(['chart_number']);
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

  it('aborts as stalled after exactly stallMs without progress (fake clock, 30 s default), and hangs up', async () => {
    const silent = createServer(() => undefined); // reads nothing, answers nothing
    let closed = 0;
    silent.on('connection', (socket) => socket.on('close', () => (closed += 1)));
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
      // The whole body was sent, yet the stalled try hangs up: its connection is not left waiting for an answer.
      await waitFor(() => closed === 1, 'the server sees the connection closed', 5000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
