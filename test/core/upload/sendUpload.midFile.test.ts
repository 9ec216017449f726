/**
 * sendUpload caught in the middle of a large file: the server holds the body
 * unread, so the uploader has filled its buffer pool and the socket and waits.
 * Stall, abort, a file that shrinks or grows, and progress pacing must all
 * behave there exactly as they do between files.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, rm, truncate } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock';
import { sendUpload, type SendUploadInput, type UploadFile, type UploadOutcome } from '../../../src/core/upload/sendUpload';
import { makeTempDir, MAGIC, type TempDir } from '../../support/files';
import { openDescriptorCount } from '../../support/openDescriptors';
import { FakeClock } from '../../support/fakeClock';
import { waitFor } from '../queue/waitFor';
import { startHoldingServer, type HoldingServer } from './holdingServer';

const MIB = 1024 * 1024;
// Far more than the pool (4 MiB) plus what loopback socket buffers can absorb.
const LARGE = 64 * MIB;

let dir: TempDir;
let server: HoldingServer;

beforeEach(async () => {
  dir = await makeTempDir();
  server = await startHoldingServer();
});

afterEach(async () => {
  await server.close();
  await dir.remove();
});

interface Started {
  path: string;
  sent: () => number;
  total: () => number;
  reports: Array<{ sent: number; at: number }>;
  outcome: () => UploadOutcome | null;
  done: Promise<UploadOutcome>;
}

/** Sends a sparse file of `bytes` (then `more` files) to the holding server. */
async function startUpload(bytes: number, overrides: Partial<SendUploadInput> = {}, more: UploadFile[] = []): Promise<Started> {
  const path = await dir.sparse('large.pdf', bytes);
  const clock = overrides.clock ?? systemClock;
  const reports: Started['reports'] = [];
  let total = -1;
  let outcome: UploadOutcome | null = null;
  const done = sendUpload({
    baseUrl: server.url,
    idempotencyKey: 'k',
    chartNumber: 'C',
    files: [{ path, name: 'large.pdf', size: bytes, type: 'pdf' }, ...more],
    clock,
    stallMs: 30_000,
    onProgress: (sent, all) => {
      total = all;
      reports.push({ sent, at: clock.monotonic() });
    },
    ...overrides,
  }).then((result) => (outcome = result));
  return { path, reports, done, sent: () => reports.at(-1)?.sent ?? 0, total: () => total, outcome: () => outcome };
}

describe('sendUpload in the middle of a large file', () => {
  it('ends as stalled once stallMs pass without progress, releases the file and cuts the request', async () => {
    const clock = new FakeClock();
    const upload = await startUpload(LARGE, { clock });
    await waitFor(() => upload.sent() > MIB, 'the first megabyte handed to the socket');
    clock.advance(29_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(upload.outcome()).toBeNull();
    // The pump may still be filling the socket for a moment (each chunk it moves restarts
    // the window at fake 29 999 ms), so the exact boundary is pinned by the StallWatchdog
    // tests; here one more full window must end the try whatever moved in between.
    clock.advance(30_000);
    expect(await upload.done).toEqual({ kind: 'stalled' });
    expect(upload.sent()).toBeLessThan(upload.total());
    expect(clock.pending).toBe(0);
    // A server that is not reading cannot notice the hang-up: let it read.
    server.release();
    await waitFor(() => server.cutShort === 1, 'the server sees the request cut');
    const handles = await pollOpenHandles(upload.path);
    expect(handles).toBe(0);
  });

  it('ends as aborted when the signal fires mid-file, and hands over nothing more', async () => {
    const controller = new AbortController();
    const upload = await startUpload(LARGE, { signal: controller.signal });
    await waitFor(() => upload.sent() > MIB, 'the first megabyte handed to the socket');
    controller.abort();
    expect(await upload.done).toEqual({ kind: 'aborted' });
    const reportsAtAbort = upload.reports.length;
    server.release();
    await waitFor(() => server.cutShort === 1, 'the server sees the request cut');
    expect(await pollOpenHandles(upload.path)).toBe(0);
    expect(upload.reports.length).toBe(reportsAtAbort);
    expect(upload.sent()).toBeLessThan(upload.total());
  });

  it('ends as file_changed when the file gets shorter while it is being sent', async () => {
    const upload = await startUpload(96 * MIB);
    await waitFor(() => upload.sent() > MIB, 'the first megabyte handed to the socket');
    await truncate(upload.path, 48 * MIB);
    server.release();
    expect(await upload.done).toEqual({
      kind: 'file',
      code: 'file_changed',
      message: 'Document 1 got shorter while it was being sent; add it again.',
    });
    expect(await pollOpenHandles(upload.path)).toBe(0);
    await waitFor(() => server.cutShort === 1, 'the server sees the request cut');
    expect(server.received).toEqual([]);
  });

  it.each([
    ['vanishes', (path: string) => rm(path), { code: 'file_missing', message: 'Document 2 was moved or deleted while it was being sent.' }],
    // Now a folder: it opens, but reading it fails (EISDIR).
    ['cannot be read', (path: string) => rm(path).then(() => mkdir(path)), { code: 'file_unreadable', message: 'Document 2 could not be read while sending.' }],
  ] as const)('names the next document when it %s while the one before is being sent', async (_what, spoil, expected) => {
    const next = await dir.file('next.pdf', MAGIC.pdf);
    const upload = await startUpload(LARGE, {}, [{ path: next, name: 'next.pdf', size: MAGIC.pdf.length, type: 'pdf' }]);
    await waitFor(() => upload.sent() > MIB, 'the first megabyte handed to the socket');
    await spoil(next);
    server.release();
    expect(await upload.done).toEqual({ kind: 'file', ...expected });
    expect(server.received).toEqual([]);
  });

  it('sends only the checked size of a file that grows while it is being sent', async () => {
    const size = 32 * MIB;
    const upload = await startUpload(size);
    await waitFor(() => upload.sent() > MIB, 'the first megabyte handed to the socket');
    await appendFile(upload.path, Buffer.alloc(2 * MIB, 0x58));
    server.release();
    expect(await upload.done).toMatchObject({ kind: 'accepted', jobId: 'held-1' });
    const original = Buffer.concat([MAGIC.pdf, Buffer.alloc(size - MAGIC.pdf.length)]);
    expect(server.received).toEqual([{ files: [{ size, sha256: createHash('sha256').update(original).digest('hex') }] }]);
    expect(upload.sent()).toBe(upload.total());
  });

  it('reports progress at most once per progressIntervalMs of its clock, and always the last byte', async () => {
    const clock = new FakeClock();
    // Time moves only as the server reads: 3 ms per chunk, so the report times are exact.
    server.onBodyChunk = () => clock.advance(3);
    server.release();
    const upload = await startUpload(24 * MIB, { clock, stallMs: 1e9, progressIntervalMs: 100 });
    expect(await upload.done).toMatchObject({ kind: 'accepted' });
    const { reports } = upload;
    expect(reports.at(-1)!.sent).toBe(upload.total());
    expect(reports.length).toBeGreaterThanOrEqual(4);
    const gaps = reports.slice(1, -1).map((report, i) => report.at - reports[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(reports.length).toBeLessThanOrEqual(reports.at(-1)!.at / 100 + 2);
    expect(reports.map((r) => r.sent)).toEqual([...reports.map((r) => r.sent)].sort((a, b) => a - b));
  });
});

/** The pump closes its file a moment after the outcome; wait for it rather than guess. */
async function pollOpenHandles(path: string): Promise<number> {
  let handles = await openDescriptorCount(path);
  const deadline = Date.now() + 10_000;
  while (handles > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    handles = await openDescriptorCount(path);
  }
  return handles;
}
