/**
 * CatchUpQueue as the connection uses it: a catch-up asked for while a read of
 * the same chart is running is not lost (the running read may predate the
 * newer state), repeated asks coalesce, and a reconnect with many charts never
 * has more than `concurrency` reads open at once.
 */
import { describe, expect, it } from 'vitest';
import { CatchUpQueue } from '../../../src/core/connection/catchUpQueue';

interface Read {
  chart: string;
  signal: AbortSignal;
  finish(): void;
}

/** A read function whose reads finish only when the test says so. */
function controlledReads() {
  const open: Read[] = [];
  const started: string[] = [];
  let maxOpen = 0;
  const read = (chart: string, signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      started.push(chart);
      const entry: Read = {
        chart,
        signal,
        finish: () => {
          open.splice(open.indexOf(entry), 1);
          resolve();
        },
      };
      open.push(entry);
      maxOpen = Math.max(maxOpen, open.length);
    });
  return { read, open, started, maxOpen: () => maxOpen };
}

/** Lets the `.finally` of finished reads run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function finishAll(reads: ReturnType<typeof controlledReads>): Promise<void> {
  while (reads.open.length > 0) {
    for (const entry of [...reads.open]) entry.finish();
    await settle();
  }
}

describe('CatchUpQueue', () => {
  it('a catch-up asked for while that chart is being read runs again after it, so newer state is not missed', async () => {
    const reads = controlledReads();
    const queue = new CatchUpQueue(4, reads.read);
    queue.request('A');
    expect(reads.started).toEqual(['A']);
    queue.request('A'); // e.g. a seq gap seen while the first read is on the wire
    queue.request('A'); // more asks coalesce into the one extra read
    expect(reads.started).toEqual(['A']);
    reads.open[0]!.finish();
    await settle();
    expect(reads.started).toEqual(['A', 'A']);
    await finishAll(reads);
    expect(reads.started).toEqual(['A', 'A']);
    expect(queue.pending).toBe(0);
  });

  it('asks for a chart that is only waiting coalesce into one read', async () => {
    const reads = controlledReads();
    const queue = new CatchUpQueue(1, reads.read);
    queue.request('A');
    queue.request('B');
    queue.request('B');
    expect(queue.pending).toBe(2);
    await finishAll(reads);
    expect(reads.started).toEqual(['A', 'B']);
  });

  it('a reconnect with 200 charts keeps at most `concurrency` reads open and reads each chart once', async () => {
    const reads = controlledReads();
    const queue = new CatchUpQueue(4, reads.read);
    const charts = Array.from({ length: 200 }, (_, i) => `C${i}`);
    for (const chart of charts) queue.request(chart);
    expect(reads.open).toHaveLength(4);
    expect(queue.pending).toBe(200);
    await finishAll(reads);
    expect(reads.maxOpen()).toBe(4);
    expect(reads.started).toEqual(charts);
    expect(queue.pending).toBe(0);
  });

  it('an aborted read finishing late does not free the slot of the new read of the same chart', async () => {
    const reads = controlledReads();
    const queue = new CatchUpQueue(4, reads.read);
    queue.request('A');
    const old = reads.open[0]!;
    queue.cancelAll(); // e.g. the token changed
    queue.request('A'); // the new connection asks again
    expect(reads.open).toHaveLength(2);
    old.finish(); // the aborted read settles only now
    await settle();
    queue.request('A'); // asked while the new read runs: it waits behind it, never beside it
    expect(reads.open.map((r) => r.chart)).toEqual(['A']);
    expect(queue.pending).toBe(1);
    await finishAll(reads);
    expect(reads.started).toEqual(['A', 'A', 'A']);
  });

  it('cancelAll aborts the running reads and drops the waiting ones', async () => {
    const reads = controlledReads();
    const queue = new CatchUpQueue(2, reads.read);
    for (const chart of ['A', 'B', 'C', 'D']) queue.request(chart);
    queue.request('A'); // a rerun asked for before the cancel is dropped too
    const running = [...reads.open];
    queue.cancelAll();
    expect(running.map((r) => r.signal.aborted)).toEqual([true, true]);
    expect(queue.pending).toBe(0);
    for (const entry of running) entry.finish();
    await settle();
    expect(reads.started).toEqual(['A', 'B']);

    // The queue still works afterwards, with a fresh signal.
    queue.request('E');
    expect(reads.open.map((r) => [r.chart, r.signal.aborted])).toEqual([['E', false]]);
    await finishAll(reads);
  });
});
