/**
 * Transfers and their slots across pause, resume and close, against the real
 * reference server: a stopped transfer gives its slot back exactly once, and
 * closing the queue really ends what is on the wire.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fakeClock';
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

  it('dispose ends the transfer on the wire: nothing of it keeps running, the job stays to be sent at the next start', async () => {
    const h = await makeHarness();
    h.server.injectUploadFaults({ kind: 'stall' });
    const clock = new FakeClock(); // its timers are the transfer's stall watchdog and the queue's own: all must be gone
    const { queue } = await h.makeQueue({ clock, timings: { stallMs: 10_000, saveDebounceMs: 5 } });
    const job = await queue.enqueue({ chartNumber: 'CLOSE', files: [await h.files.pdf('a.pdf', { bytes: 300_000 })] });
    await waitFor(() => h.uploads() === 1, 'the upload reached the server');
    expect(clock.pending).toBeGreaterThan(0); // the watchdog of the hanging transfer
    await queue.dispose();
    expect(clock.pending).toBe(0);
    clock.advance(10_000); // a transfer left running would now give up on the stall and try again
    await settle();
    expect(h.uploads()).toBe(1);
    expect((await h.store.load())?.jobs.find((j) => j.id === job.id)?.stage).toBe('uploading');
  });
});
