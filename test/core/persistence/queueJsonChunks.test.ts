import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueueJsonChunks } from '../../../src/core/persistence/queueJsonChunks';
import type { PersistedQueue } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';

function job(n: number): QueueJob {
  return {
    id: `local-${n}`,
    chartNumber: `C-${n}`,
    files: [{ path: `/docs/${n}.pdf`, name: `${n}.pdf`, size: 5 + n, type: 'pdf' }],
    stage: 'queued',
    idempotencyKey: `key-${n}`,
    jobId: null,
    createdAt: n,
    updatedAt: n,
    upload: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    server: null,
    error: n % 2 === 0 ? null : { code: 'network', message: 'quote " and \\ and \u2028' },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('QueueJsonChunks', () => {
  it.each([0, 1, 3, 5000])('gives exactly the text JSON.stringify gives, for %i jobs', (count) => {
    const state: PersistedQueue = { version: 1, jobs: Array.from({ length: count }, (_, i) => job(i)), paused: count % 2 === 1 };
    const chunks = [...new QueueJsonChunks().chunks(state)];
    expect(chunks.join('')).toBe(JSON.stringify(state));
  });

  it('cuts a big queue into slices of a few hundred KB (the writer yields between them)', () => {
    const state: PersistedQueue = { version: 1, jobs: Array.from({ length: 10_000 }, (_, i) => job(i)), paused: false };
    const chunks = [...new QueueJsonChunks().chunks(state)];
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(chunks.length).toBeGreaterThan(4);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(300 * 1024);
    expect(total).toBe(JSON.stringify(state).length);
  });

  it('encodes a frozen job once, and a job that is not frozen every time', () => {
    const frozen = Array.from({ length: 50 }, (_, i) => Object.freeze(job(i)));
    const loose = job(99);
    const encoder = new QueueJsonChunks();
    const state: PersistedQueue = { version: 1, jobs: [...frozen, loose], paused: false };
    expect([...encoder.chunks(state)].join('')).toBe(JSON.stringify(state)); // the first pass remembers the frozen jobs
    const stringify = vi.spyOn(JSON, 'stringify');
    loose.stage = 'uploading';
    const again = [...encoder.chunks(state)].join('');
    // version, paused and the loose job: nothing for the 50 frozen ones.
    expect(stringify).toHaveBeenCalledTimes(3);
    stringify.mockRestore();
    expect(JSON.parse(again).jobs.at(-1).stage).toBe('uploading');
    expect(again).toBe(JSON.stringify(state));
  });
});
