/**
 * Uploads are streamed: a 200 MB document passes through the server while
 * the process's heap + ArrayBuffer memory grows far less than the document.
 * Client and server share this process, so the bound covers both; the test
 * client streams too (one reused 64 KiB buffer).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type StatusBody } from '../../src/server/index';
import { startServer } from '../support/referenceServer';
import { chartPart, postMultipart } from './fixtures/multipartUpload';
import { waitFor } from './fixtures/waitFor';

const TOTAL_BYTES = 200 * 1024 * 1024;
const PAGES = 25;

/** A 200 MB "PDF": a header, filler, and PAGES page objects spread through it. Hashes what it yields. */
function bigPdf(hash: ReturnType<typeof createHash>): AsyncIterable<Buffer> {
  const filler = Buffer.alloc(64 * 1024, 0x20);
  const page = Buffer.from('\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n', 'latin1');
  const header = Buffer.from('%PDF-1.7\n2 0 obj << /Type /Pages /Count 25 >> endobj\n', 'latin1');
  const everyBytes = Math.floor(TOTAL_BYTES / PAGES);
  return (async function* () {
    let sent = 0;
    let nextPageAt = 0;
    let pagesSent = 0;
    const emit = (chunk: Buffer): Buffer => {
      hash.update(chunk);
      sent += chunk.length;
      return chunk;
    };
    yield emit(header);
    while (sent < TOTAL_BYTES) {
      if (sent >= nextPageAt && pagesSent < PAGES) {
        pagesSent += 1;
        nextPageAt += everyBytes;
        yield emit(page);
      }
      yield emit(filler.subarray(0, Math.min(filler.length, TOTAL_BYTES - sent)));
    }
  })();
}

function memoryInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('streaming upload', () => {
  it('stores a 200 MB document with small memory growth and computes its sha256 and pages', async () => {
    const server = await startServer({ phaseMs: 5 });
    const hash = createHash('sha256');
    const baseline = memoryInUse();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryInUse())), 10);
    let reply;
    try {
      reply = await postMultipart(`${server.url}/documents/upload`, [
        chartPart('BIG-1'),
        { file: 'documents', filename: 'big.pdf', content: bigPdf(hash) },
      ]);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, memoryInUse());
    expect(reply.status).toBe(201);
    const growthMb = (peak - baseline) / (1024 * 1024);
    expect(growthMb).toBeLessThan(64);

    const { jobId, documents } = reply.body as { jobId: string; documents: Array<{ size: number }> };
    expect(documents[0]?.size).toBeGreaterThanOrEqual(TOTAL_BYTES);
    await waitFor(() => server.jobs()[0]?.status === 'completed', 'job completed', 60_000);
    const body = (await (await fetch(`${server.url}/documents/status/BIG-1`)).json()) as StatusBody;
    const results = body.results?.[jobId];
    expect(results?.documents[0]).toMatchObject({ type: 'pdf', sha256: hash.digest('hex'), pages: PAGES });
  }, 180_000);
});
