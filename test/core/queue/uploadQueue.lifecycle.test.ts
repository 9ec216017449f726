/**
 * Transfers and their slots across pause, resume and close, against the real
 * reference server: a stopped transfer gives its slot back exactly once, and
 * closing the queue really ends what is on the wire.
 */
import { describe, expect, it } from 'vitest';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200)); // time for a wrongly started upload to show

describe('UploadQueue transfers across pause and close', () => {
  it('pause then resume at once: the restarted transfer keeps its slot when the stopped one ends (concurrency 1 holds)', async () => {
    const h = await makeHarness();
    h.server.injectUploadFaults({ kind: 'stall' }, { kind: 'stall' }); // the first job's two tries both hang
    const { queue } = await h.makeQueue({ concurrency: 1, timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    await queue.start();
    const first = await queue.enqueue({ chartNumber: 'ONE', files: [await h.files.pdf('a.pdf', { bytes: 300_000 })] });
    const second = await queue.enqueue({ chartNumber: 'TWO', files: [await h.files.pdf('b.pdf')] });
    await waitFor(() => h.uploads() === 1, 'the first upload reached the server');
    queue.pauseAll();
    queue.resumeAll(); // the first starts again before its stopped transfer has even ended
    await waitFor(() => h.uploads() >= 2, 'the first job sent again');
    await settle();
    expect(h.uploads()).toBe(2);
    expect(queue.get(first.id)?.stage).toBe('uploading');
    expect(queue.get(second.id)?.stage).toBe('queued'); // one slot: it waits for the first
  });

  it('dispose ends the transfers on the wire: the server sees the connection close, the job stays to be sent at the next start', async () => {
    const lines: string[] = [];
    const h = await makeHarness({ log: (line) => lines.push(line) });
    h.server.injectUploadFaults({ kind: 'stall' });
    const { queue } = await h.makeQueue({ timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    const job = await queue.enqueue({ chartNumber: 'CLOSE', files: [await h.files.pdf('a.pdf', { bytes: 300_000 })] });
    await waitFor(() => h.uploads() === 1, 'the upload reached the server');
    expect(lines.filter((line) => line.startsWith('POST /api/documents/upload'))).toEqual([]); // still open
    await queue.dispose();
    await waitFor(() => lines.some((line) => line.startsWith('POST /api/documents/upload no answer')), 'the server to see the transfer end');
    expect((await h.store.load())?.jobs.find((j) => j.id === job.id)?.stage).toBe('uploading');
    expect(h.server.jobs()).toEqual([]);
  });
});
